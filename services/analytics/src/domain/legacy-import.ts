import { z } from 'zod';
import {
  areaTypes,
  CallbackRecorded,
  CaseExempted,
  channels,
  ComplaintReceived,
  createEvent,
  DeadlinesSet,
  ratings,
  urgencies,
  WorkOrderAccepted,
  WorkOrderClosed,
  WorkOrderDispatched,
  type Envelope,
} from '@hotline/shared';

/**
 * Historical cases from a legacy system, one row per case: the complaint, the unit that handled it,
 * its times and its callback. Each valid row becomes the very events a live case produces, handled by
 * the same projection, so past months' rates and rankings are computed exactly as for live cases.
 */
export type ImportFormat = 'CSV' | 'NDJSON';

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const instant = z.preprocess(blankToUndefined, z.iso.datetime({ offset: true }));
const yesNo = z.preprocess(
  (v) => (v === '' || v === null || v === undefined ? undefined : typeof v === 'boolean' ? v : String(v).toLowerCase()),
  z
    .union([z.boolean(), z.enum(['yes', 'no', 'true', 'false', '1', '0']).transform((v) => v === 'yes' || v === 'true' || v === '1')])
    .optional(),
);
const number = z.preprocess((v) => (v === '' || v === null || v === undefined ? undefined : Number(v)), z.number().finite().optional());

export const legacyCase = z
  .object({
    caseId: z.string().trim().min(1, 'is required'),
    district: z.string().trim().min(1, 'is required'),
    streetId: optional(z.string().trim()),
    categoryId: z.string().trim().min(1, 'is required'),
    channel: z.enum(channels),
    urgency: z.preprocess(blankToUndefined, z.enum(urgencies).default('GENERAL')),
    areaType: optional(z.enum(areaTypes)),
    lat: number.pipe(z.number().min(-90).max(90).optional()),
    lng: number.pipe(z.number().min(-180).max(180).optional()),
    receivedAt: instant,
    unitId: optional(z.string().trim()),
    dispatchedAt: optional(z.iso.datetime({ offset: true })),
    respondDueAt: optional(z.iso.datetime({ offset: true })),
    respondedAt: optional(z.iso.datetime({ offset: true })),
    closedAt: optional(z.iso.datetime({ offset: true })),
    callbackAt: optional(z.iso.datetime({ offset: true })),
    solved: yesNo,
    rating: optional(z.enum(ratings)),
    exempted: yesNo,
  })
  .superRefine((c, ctx) => {
    const needsUnit = ['dispatchedAt', 'respondDueAt', 'respondedAt', 'closedAt', 'callbackAt', 'rating'] as const;
    if (!c.unitId)
      for (const f of needsUnit)
        if (c[f] !== undefined) ctx.addIssue({ code: 'custom', path: ['unitId'], message: `is required when ${f} is given` });
    if (c.unitId && !c.dispatchedAt) ctx.addIssue({ code: 'custom', path: ['dispatchedAt'], message: 'is required when unitId is given' });
    if ((c.lat === undefined) !== (c.lng === undefined))
      ctx.addIssue({ code: 'custom', path: [c.lat === undefined ? 'lat' : 'lng'], message: 'lat and lng come together' });
    if (c.callbackAt !== undefined && c.rating === undefined)
      ctx.addIssue({ code: 'custom', path: ['rating'], message: 'is required when callbackAt is given' });
    if (c.rating !== undefined && c.callbackAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['callbackAt'], message: 'is required when rating is given' });
    if (c.dispatchedAt && c.dispatchedAt < c.receivedAt)
      ctx.addIssue({ code: 'custom', path: ['dispatchedAt'], message: 'must not be before receivedAt' });
  });
export type LegacyCase = z.infer<typeof legacyCase>;

export interface ImportProblemRecord {
  /** 1-based line of the file where the bad row starts (the CSV header is line 1). */
  line: number;
  field: string;
  message: string;
}

/** A parsed file: its rows by line, and the lines that could not even be read as a row. */
export interface RawRows {
  rows: Array<{ line: number; value: Record<string, unknown> }>;
  problems: ImportProblemRecord[];
}

/** RFC 4180 CSV: a header row, commas, fields in double quotes may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): RawRows {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  const nonEmpty = records.filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  const [header, ...data] = nonEmpty;
  if (!header) return { rows: [], problems: [] };
  const names = header.fields.map((f) => f.trim());
  const problems: ImportProblemRecord[] = [];
  const rows: RawRows['rows'] = [];
  for (const record of data) {
    if (record.fields.length !== names.length) {
      problems.push({ line: record.line, field: 'row', message: `has ${record.fields.length} fields, the header ${names.length}` });
      continue;
    }
    rows.push({ line: record.line, value: Object.fromEntries(names.map((n, i) => [n, record.fields[i]])) });
  }
  return { rows, problems };
}

/** One JSON object per line; blank lines are skipped. */
export function parseNdjson(text: string): RawRows {
  const rows: RawRows['rows'] = [];
  const problems: ImportProblemRecord[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        problems.push({ line: i + 1, field: 'row', message: 'is not a JSON object' });
      else rows.push({ line: i + 1, value: value as Record<string, unknown> });
    } catch (error) {
      problems.push({ line: i + 1, field: 'row', message: `is not JSON: ${(error as Error).message}` });
    }
  });
  return { rows, problems };
}

/** Validates every row; bad rows are reported by line (each problem named by field) and left out. */
export function validateRows(raw: RawRows): { cases: Array<{ line: number; value: LegacyCase }>; problems: ImportProblemRecord[] } {
  const cases: Array<{ line: number; value: LegacyCase }> = [];
  const problems = [...raw.problems];
  const seen = new Map<string, number>();
  for (const row of raw.rows) {
    const parsed = legacyCase.safeParse(row.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ line: row.line, field: issue.path.join('.') || 'row', message: issue.message });
      continue;
    }
    const first = seen.get(parsed.data.caseId);
    if (first !== undefined) {
      problems.push({ line: row.line, field: 'caseId', message: `repeats the case of line ${first}` });
      continue;
    }
    seen.set(parsed.data.caseId, row.line);
    cases.push({ line: row.line, value: parsed.data });
  }
  return { cases, problems: problems.sort((a, b) => a.line - b.line) };
}

/**
 * The events a legacy case stands for. Ids derive from the case id (legacy-<caseId>…), so importing the
 * same file twice records the same facts again, which the read models count once.
 */
export function eventsOf(c: LegacyCase): Envelope[] {
  const base = (at: string) => ({ subject: c.caseId, district: c.district, actor: 'system:legacy-import', occurredAt: new Date(at) });
  const ref = { workOrderId: `legacy-${c.caseId}`, complaintId: c.caseId, unitId: c.unitId ?? '' };
  const events: Envelope[] = [
    createEvent(ComplaintReceived, {
      ...base(c.receivedAt),
      data: {
        complaintId: c.caseId,
        channel: c.channel,
        categoryId: c.categoryId,
        type: 'COMPLAINT',
        urgency: c.urgency,
        region: { district: c.district, street: c.streetId ?? null, community: null, grid: null },
        areaType: c.areaType ?? null,
        location: c.lat !== undefined && c.lng !== undefined ? { lat: c.lat, lng: c.lng } : null,
        receivedAt: c.receivedAt,
      },
    }),
  ];
  if (!c.unitId || !c.dispatchedAt) return events;
  events.push(
    createEvent(WorkOrderDispatched, {
      ...base(c.dispatchedAt),
      data: {
        ...ref,
        ruleId: null,
        ruleVersion: null,
        role: 'LEAD',
        categoryId: c.categoryId,
        urgency: c.urgency,
        areaType: c.areaType ?? null,
        dispatchedAt: c.dispatchedAt,
      },
    }),
  );
  if (c.respondDueAt)
    events.push(
      createEvent(DeadlinesSet, {
        ...base(c.dispatchedAt),
        data: { ...ref, ruleId: 'legacy', deadlines: [{ kind: 'RESPOND', dueAt: c.respondDueAt }] },
      }),
    );
  if (c.respondedAt) events.push(createEvent(WorkOrderAccepted, { ...base(c.respondedAt), data: { ...ref, acceptedAt: c.respondedAt } }));
  if (c.closedAt) events.push(createEvent(WorkOrderClosed, { ...base(c.closedAt), data: { ...ref, closedAt: c.closedAt } }));
  if (c.callbackAt && c.rating)
    events.push(
      createEvent(CallbackRecorded, {
        ...base(c.callbackAt),
        data: {
          ...ref,
          callbackId: `legacy-${c.caseId}-callback`,
          contacted: true,
          solved: c.solved ?? null,
          rating: c.rating,
          recordedAt: c.callbackAt,
        },
      }),
    );
  if (c.exempted)
    events.push(
      createEvent(CaseExempted, {
        ...base(c.callbackAt ?? c.closedAt ?? c.dispatchedAt),
        data: {
          ...ref,
          reason: 'exempted in the legacy system',
          approvedBy: 'legacy',
          exemptedAt: c.callbackAt ?? c.closedAt ?? c.dispatchedAt,
        },
      }),
    );
  return events;
}
