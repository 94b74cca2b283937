import { mintUserToken, type Role } from '@hotline/shared';
import { waitFor, type GraphQLResponse } from '@hotline/shared/testing';
import { startTestSystem, testModes, type TestSystem } from './test-system';

// The development signing settings, as the gateway uses them when JWT_SECRET is not set.
const JWT_SECRET = 'hotline-development-secret-change-me';
const JWT_ISSUER = 'hotline-12345';

const token = (role: Role, extra: { unit?: string } = {}) =>
  mintUserToken({ sub: `journey-${role}`, roles: [role], district: '110199', ...extra }, JWT_SECRET, JWT_ISSUER);

async function gql(system: TestSystem, query: string, variables: Record<string, unknown> = {}, bearer?: string): Promise<GraphQLResponse> {
  const response = await fetch(system.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

const submit = `mutation Submit($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;

const complaintInput = {
  channel: 'HOTLINE',
  type: 'COMPLAINT',
  urgency: 'GENERAL',
  categoryId: 'property.fees',
  title: '物业费上涨未公示',
  description: '小区物业今年上调物业费，没有公示也没有业主大会决议。',
  address: '安华里社区3号楼',
  location: { lat: 39.87, lng: 116.31 },
  complainant: { name: '王小明', phone: '13900001111' },
};

/** One query, fields from all four subgraphs: intake's text and place, dispatch's order and unit, supervision's deadlines, analytics' counts. */
const journey = `query Journey($id: ID!) {
  complaint(id: $id) {
    id title address location { lat lng } region { id level path { name } }
    category { id name }
    status
    currentUnit { id name }
    workOrders { id state unit { id name kind stats { workOrdersReceived } } }
    deadlines { kind dueAt state }
  }
}`;

describe.each(testModes())('one complaint through the whole graph (%s mode)', (mode) => {
  let system: TestSystem;
  let agent: string;

  beforeAll(async () => {
    system = await startTestSystem(mode);
    agent = await token('agent');
  }, 180_000);
  afterAll(() => system.stop());

  it('receives, routes, sets deadlines and counts a complaint, and one query shows all of it', async () => {
    const submitted = await gql(system, submit, { input: complaintInput }, agent);
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitComplaint.complaint.id as string;

    const view = await waitFor(async () => {
      const res = await gql(system, journey, { id }, agent);
      const c = res.data?.complaint;
      return c?.deadlines?.length === 4 && c.workOrders?.[0]?.unit?.stats?.workOrdersReceived >= 1 ? c : null;
    }, 'the complaint to be dispatched, given deadlines and counted');

    expect(view.title).toBe(complaintInput.title);
    expect(view.region).toMatchObject({ id: '110199-001-01-1', level: 'GRID' });
    expect(view.category).toEqual({ id: 'property.fees', name: '物业收费' });
    expect(view.status).toBe('DISPATCHED');
    expect(view.currentUnit).toEqual({ id: 'unit-110199-001', name: '安华街道办事处' });
    expect(view.workOrders).toHaveLength(1);
    expect(view.workOrders[0]).toMatchObject({ state: 'DISPATCHED', unit: { id: 'unit-110199-001', kind: 'STREET' } });
    const kinds = view.deadlines.map((d: { kind: string }) => d.kind).sort();
    expect(kinds).toEqual(['ACCEPT', 'CLOSE', 'REPLY', 'RESPOND']);
    const respond = view.deadlines.find((d: { kind: string }) => d.kind === 'RESPOND');
    const close = view.deadlines.find((d: { kind: string }) => d.kind === 'CLOSE');
    // General urgency: contact the citizen within 2 hours, close within 7 days of dispatch.
    expect(new Date(close.dueAt).getTime() - new Date(respond.dueAt).getTime()).toBe(7 * 24 * 3600_000 - 2 * 3600_000);
  });

  it('counts a second complaint for the same unit', async () => {
    const before = await gql(system, `{ unit(id: "unit-110199-001") { stats { workOrdersReceived } } }`, {}, await token('analyst'));
    const count = before.data!.unit.stats.workOrdersReceived as number;
    const submitted = await gql(system, submit, { input: { ...complaintInput, title: '电梯维修费分摊不合理' } }, agent);
    expect(submitted.errors).toBeUndefined();
    await waitFor(async () => {
      const res = await gql(system, `{ unit(id: "unit-110199-001") { stats { workOrdersReceived } } }`, {}, await token('analyst'));
      return res.data?.unit?.stats?.workOrdersReceived === count + 1;
    }, 'the unit count to grow by one');
  });

  it('carries one trace from the gateway through intake to the dispatch consumer', async () => {
    system.clearSpans();
    const submitted = await gql(system, submit, { input: { ...complaintInput, title: '楼道堆放杂物' } }, agent);
    const id = submitted.data!.submitComplaint.complaint.id as string;
    const consumed = await waitFor(
      () =>
        system
          .spans()
          .find((s) => s.name === 'consume intake.complaint.received' && s.service === 'dispatch' && s.attributes['event.subject'] === id),
      'the dispatch consumer span',
    );
    // Spans are exported in batches, so wait until the gateway's and intake's parts of the trace have arrived too.
    const services = await waitFor(() => {
      const seen = new Set(
        system
          .spans()
          .filter((s) => s.traceId === consumed.traceId)
          .map((s) => s.service),
      );
      return ['gateway', 'intake', 'dispatch'].every((s) => seen.has(s)) ? seen : null;
    }, 'the gateway and intake spans of the same trace');
    expect([...services]).toEqual(expect.arrayContaining(['gateway', 'intake', 'dispatch']));
  });
});
