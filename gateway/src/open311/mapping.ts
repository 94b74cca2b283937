import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** A complaint as the Open311 queries select it through the graph. */
export interface ComplaintNode {
  id: string;
  title: string;
  description: string;
  address: string | null;
  location: { lat: number; lng: number } | null;
  category: { id: string; name: string };
  receivedAt: string;
  intakeState: 'AWAITING_PLACEMENT' | 'RECEIVED' | 'DISPATCHED' | 'CLOSED_AT_INTAKE' | 'MERGED';
  closedAtIntake: { answer: string; closedAt: string } | null;
  mergedInto: { id: string; intakeState: ComplaintNode['intakeState']; status: string | null } | null;
  status: string | null;
  currentUnit: { name: string } | null;
}

/** The fields every Open311 read selects; `status` and `currentUnit` come from dispatch through the federated graph. */
export const complaintFields = `id title description address location { lat lng } category { id name } receivedAt intakeState
  closedAtIntake { answer closedAt } mergedInto { id intakeState status } status currentUnit { name }`;

/**
 * GeoReport has two statuses. A case is closed when intake closed it on the spot or dispatch closed its
 * work order (CLOSED) or handed it to another district (TRANSFERRED); a merged report shares its case's.
 */
export function open311Status(
  node: Pick<ComplaintNode, 'intakeState' | 'status'> & { mergedInto?: ComplaintNode['mergedInto'] },
): 'open' | 'closed' {
  if (node.intakeState === 'MERGED' && node.mergedInto) return open311Status(node.mergedInto);
  if (node.intakeState === 'CLOSED_AT_INTAKE') return 'closed';
  return node.status === 'CLOSED' || node.status === 'TRANSFERRED' ? 'closed' : 'open';
}

/** One service request in the spec's field names. */
export function toServiceRequest(node: ComplaintNode) {
  const status = open311Status(node);
  return {
    service_request_id: node.id,
    status,
    status_notes: node.closedAtIntake?.answer ?? (node.mergedInto ? `merged into ${node.mergedInto.id}` : null),
    service_name: node.category.name,
    service_code: node.category.id,
    description: node.description,
    agency_responsible: node.currentUnit?.name ?? null,
    service_notice: null,
    requested_datetime: node.receivedAt,
    updated_datetime: node.closedAtIntake?.closedAt ?? node.receivedAt,
    expected_datetime: null,
    address: node.address,
    address_id: null,
    zipcode: null,
    lat: node.location?.lat ?? null,
    long: node.location?.lng ?? null,
    media_url: null,
  };
}

const isoDate = (field: string) =>
  z.iso.datetime({ offset: true, message: `${field}: must be an ISO 8601 date-time with offset (e.g. 2026-03-01T08:00:00+08:00)` });

/** The spec's 90-day default and maximum window, and our largest answer (five pages of the graph's 200). */
export const WINDOW_DAYS = 90;
export const MAX_RESULTS = 1000;

/** GET requests' query parameters; each message names its parameter. */
export const requestsQuery = z
  .object({
    service_request_id: z.string().optional(),
    service_code: z.string().optional(),
    start_date: isoDate('start_date').optional(),
    end_date: isoDate('end_date').optional(),
    status: z.string().optional(),
  })
  .transform((q, ctx) => {
    const statuses = q.status?.split(',').map((s) => s.trim()) ?? [];
    const unknown = statuses.find((s) => s !== 'open' && s !== 'closed');
    if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: `status: "${unknown}" is not open or closed` });
    const ids =
      q.service_request_id
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    if (ids.length > 100) ctx.addIssue({ code: 'custom', message: 'service_request_id: at most 100 ids' });
    const end = q.end_date ? new Date(q.end_date) : null;
    const start = q.start_date ? new Date(q.start_date) : null;
    if (start && end && start > end) ctx.addIssue({ code: 'custom', message: 'start_date: must not be after end_date' });
    if (start && end && end.getTime() - start.getTime() > WINDOW_DAYS * 86_400_000)
      ctx.addIssue({ code: 'custom', message: `end_date: the window may span at most ${WINDOW_DAYS} days` });
    return { ids, serviceCode: q.service_code ?? null, start, end, statuses: statuses as Array<'open' | 'closed'> };
  });

/** The window to list when dates are missing: the 90 days up to end_date (or now), or from start_date. */
export function window(q: { start: Date | null; end: Date | null }, now: Date): { from: Date; to: Date } {
  const span = WINDOW_DAYS * 86_400_000;
  if (q.start && q.end) return { from: q.start, to: q.end };
  if (q.start) return { from: q.start, to: new Date(q.start.getTime() + span) };
  const to = q.end ?? now;
  return { from: new Date(to.getTime() - span), to };
}

/** POST requests' form fields (application/x-www-form-urlencoded, as the spec says). */
export const postRequestForm = z
  .object({
    api_key: z.string({ message: 'api_key: is required' }).min(1, 'api_key: is required'),
    service_code: z.string({ message: 'service_code: is required' }).min(1, 'service_code: is required'),
    lat: z.coerce.number().min(-90, 'lat: must be between -90 and 90').max(90, 'lat: must be between -90 and 90').optional(),
    long: z.coerce.number().min(-180, 'long: must be between -180 and 180').max(180, 'long: must be between -180 and 180').optional(),
    address_string: z.string().max(200, 'address_string: must be at most 200 characters').optional(),
    description: z
      .string({ message: 'description: is required' })
      .trim()
      .min(1, 'description: is required')
      .max(4000, 'description: must be at most 4000 characters'),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    device_id: z.string().optional(),
    account_id: z.string().optional(),
    media_url: z.string().optional(),
    'attribute[type]': z
      .enum(['CONSULTATION', 'HELP', 'COMPLAINT', 'REPORT', 'SUGGESTION'], { message: 'attribute[type]: must be one of the listed values' })
      .optional(),
    'attribute[urgency]': z
      .enum(['URGENT', 'GENERAL', 'COMPLEX'], { message: 'attribute[urgency]: must be one of the listed values' })
      .optional(),
  })
  .superRefine((f, ctx) => {
    if ((f.lat === undefined) !== (f.long === undefined)) ctx.addIssue({ code: 'custom', message: 'lat: lat and long go together' });
    if (f.lat === undefined && !f.address_string)
      ctx.addIssue({ code: 'custom', message: 'address_string: a location (lat and long) or an address_string is required' });
  });
export type PostRequestForm = z.infer<typeof postRequestForm>;

/** The submitComplaint input an Open311 POST becomes: an app report, its title the start of its description. */
export function toSubmitInput(form: PostRequestForm) {
  const name = [form.last_name, form.first_name].filter(Boolean).join('') || null;
  const account = form.account_id ?? form.device_id;
  const title = [...form.description.split(/\r?\n/)[0]!].slice(0, 30).join('');
  return {
    channel: 'APP',
    categoryId: form.service_code,
    type: form['attribute[type]'] ?? null,
    urgency: form['attribute[urgency]'] ?? null,
    title,
    description: form.description,
    address: form.address_string ?? null,
    location: form.lat !== undefined && form.long !== undefined ? { lat: form.lat, lng: form.long } : null,
    complainant: name || form.phone ? { name, phone: form.phone ?? null } : null,
    // GeoReport has no message id; each POST is one message, so it gets a fresh one.
    channelDetails: account ? { online: { accountId: account, messageId: `open311:${randomUUID()}` } } : null,
  };
}

/** A category as a GeoReport service. */
export function toService(c: { id: string; name: string; parent: { name: string } | null }) {
  return {
    service_code: c.id,
    service_name: c.name,
    description: c.name,
    metadata: true,
    type: 'realtime',
    keywords: '',
    group: c.parent?.name ?? c.name,
  };
}

/** The attributes every service takes: the complaint's type and urgency, both optional (suggested when left out). */
export function serviceDefinition(code: string) {
  const list = (values: Array<[string, string]>) => values.map(([key, name]) => ({ key, name }));
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: 'type',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '诉求类型；不填则按描述自动判断',
        order: 1,
        description: '诉求类型',
        values: list([
          ['CONSULTATION', '咨询'],
          ['HELP', '求助'],
          ['COMPLAINT', '投诉'],
          ['REPORT', '举报'],
          ['SUGGESTION', '建议'],
        ]),
      },
      {
        variable: true,
        code: 'urgency',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '紧急程度；燃气泄漏、火情、有人被困一律按紧急处理',
        order: 2,
        description: '紧急程度',
        values: list([
          ['URGENT', '紧急'],
          ['GENERAL', '一般'],
          ['COMPLEX', '复杂疑难'],
        ]),
      },
    ],
  };
}
