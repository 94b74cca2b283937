import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { mintUserToken, type Role } from '@hotline/shared';
import { waitFor } from '@hotline/shared/testing';
import type { StartedSupervision } from '@hotline/supervision';
import { startEmbedded, type EmbeddedSystem } from '../index';
import { DEFAULT_ISSUER, DEVELOPMENT_JWT_SECRET } from '../environment';

const ports = { GATEWAY_PORT: '0', INTAKE_PORT: '0', DISPATCH_PORT: '0', SUPERVISION_PORT: '0', ANALYTICS_PORT: '0' };
const token = (role: Role, extra: { unit?: string; district?: string } = {}) =>
  mintUserToken({ sub: `live-${role}`, roles: [role], district: '110199', ...extra }, DEVELOPMENT_JWT_SECRET, DEFAULT_ISSUER);

const minutes = (n: number) => n * 60_000;
/**
 * A subscription starts on the server a moment after the client sends it, so reports given in between would
 * be missed by a fresh subscription. Resuming closes that gap: `after` an id no longer (or never) kept
 * replays every kept report first, and each test looks only at its own case.
 */
const FROM_THE_START = '00000000-0000-7000-8000-000000000000';
/** Monday 2 March 2026, 09:30 in Beijing. */
const T = new Date('2026-03-02T01:30:00.000Z');

const subscription = `subscription Live($filter: OverdueFilter, $after: ID) {
  overdueEvents(filter: $filter, after: $after) {
    id level kind district complaintId workOrderId unitId deadlineId dueAt at
    complaint { id title categoryName currentUnitName }
  }
}`;

type Alert = {
  id: string;
  level: string;
  kind: string;
  unitId: string;
  complaintId: string;
  complaint: { title: string; categoryName: string | null; currentUnitName: string | null } | null;
};

/** A live subscription through a real graphql-ws client: what arrived, and any error. */
function listen(client: Client, variables: Record<string, unknown> = {}) {
  const received: Alert[] = [];
  const errors: unknown[] = [];
  const dispose = client.subscribe<{ overdueEvents: Alert }>(
    { query: subscription, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) received.push(result.data.overdueEvents);
      },
      error: (error) => void errors.push(...(Array.isArray(error) ? error : [error])),
      complete: () => undefined,
    },
  );
  return { received, errors, dispose };
}

describe('live overdue reports through the gateway (graphql-ws)', () => {
  let system: EmbeddedSystem;
  let clock = T;
  let wsUrl: string;
  const clients: Client[] = [];

  const connect = async (bearer: string | null) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: bearer ? { authorization: `Bearer ${bearer}` } : {},
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  };
  const timer = () => (system.services.find((s) => s.name === 'supervision') as StartedSupervision).timer;

  async function post(query: string, variables: Record<string, unknown>, bearer: string) {
    const response = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> };
  }

  /** Submits a complaint that dispatch routes at once, and waits until supervision has set its deadlines. */
  async function newCase(title: string): Promise<{ id: string; unitId: string }> {
    const submitted = await post(
      `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`,
      {
        input: {
          channel: 'HOTLINE',
          type: 'COMPLAINT',
          urgency: 'GENERAL',
          categoryId: 'property.fees',
          title,
          description: '小区物业今年上调物业费，没有公示也没有业主大会决议。',
          address: '安华里社区3号楼',
          location: { lat: 39.87, lng: 116.31 },
          complainant: { name: '王小明', phone: '13900001111' },
        },
      },
      await token('agent'),
    );
    const id = submitted.data!.submitComplaint.complaint.id as string;
    return waitFor(async () => {
      const res = await post(
        `query($id: ID!) { complaint(id: $id) { currentUnit { id } deadlines { kind } } }`,
        { id },
        await token('supervisor'),
      );
      const c = res.data?.complaint;
      return c?.deadlines?.length >= 4 && c.currentUnit ? { id, unitId: c.currentUnit.id as string } : null;
    }, `deadlines of ${title}`);
  }

  beforeAll(async () => {
    system = await startEmbedded(
      { ...ports, DATA_DIR: 'memory://', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', SUPERVISION_TIMER: 'false' },
      () => clock,
    );
    wsUrl = system.url.replace(/^http/, 'ws');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await system.stop();
  });

  it('pushes a warning and then the overdue report to the inspection office, with the case resolved through the federated graph', async () => {
    clock = T;
    const office = listen(await connect(await token('supervisor')), { after: FROM_THE_START });
    const c = await newCase('物业费上涨未公示');
    // RESPOND: 2 h from dispatch (at T); warning at 80%.
    clock = new Date(T.getTime() + minutes(96));
    await timer().tick();
    await waitFor(() => office.received.some((a) => a.complaintId === c.id && a.level === 'WARNING'), 'the warning');
    clock = new Date(T.getTime() + minutes(120));
    await timer().tick();
    const overdue = await waitFor(() => office.received.find((a) => a.complaintId === c.id && a.level === 'OVERDUE'), 'the overdue report');
    expect(overdue).toMatchObject({
      kind: 'RESPOND',
      unitId: c.unitId,
      complaint: { title: '物业费上涨未公示', categoryName: expect.any(String), currentUnitName: expect.any(String) },
    });
    expect(office.errors).toEqual([]);
    office.dispose();
  });

  it('filters by unit, kind and level, and gives a handler only their own unit', async () => {
    clock = T;
    const c = await newCase('电梯停运');
    const ownHandler = listen(await connect(await token('handler', { unit: c.unitId })), { after: FROM_THE_START });
    const otherHandler = listen(await connect(await token('handler', { unit: 'unit-110199-sw' })), { after: FROM_THE_START });
    const onlyAccept = listen(await connect(await token('supervisor')), {
      filter: { kinds: ['ACCEPT'], levels: ['OVERDUE'] },
      after: FROM_THE_START,
    });
    // Past RESPOND and ACCEPT (1 day): each reported overdue.
    clock = new Date(T.getTime() + minutes(24 * 60));
    await timer().tick();
    await waitFor(
      () => ownHandler.received.filter((a) => a.complaintId === c.id && a.level === 'OVERDUE').length >= 2,
      'the handler’s reports',
    );
    await waitFor(() => onlyAccept.received.some((a) => a.complaintId === c.id), 'the ACCEPT report');
    expect(onlyAccept.received.every((a) => a.kind === 'ACCEPT' && a.level === 'OVERDUE')).toBe(true);
    expect(otherHandler.received.filter((a) => a.complaintId === c.id)).toEqual([]);
    for (const l of [ownHandler, otherHandler, onlyAccept]) l.dispose();
  });

  it('refuses a caller without a token, a role that does not watch, and a handler asking for another unit', async () => {
    const nobody = listen(await connect(null));
    const analyst = listen(await connect(await token('analyst')));
    const nosy = listen(await connect(await token('handler', { unit: 'unit-110199-001' })), { filter: { unitIds: ['unit-110199-002'] } });
    const otherDistrict = listen(await connect(await token('supervisor')), { filter: { districts: ['110105'] } });
    await waitFor(() => [nobody, analyst, nosy, otherDistrict].every((l) => l.errors.length > 0), 'every refusal');
    const code = (l: { errors: unknown[] }) => (l.errors[0] as { extensions?: { code?: string } }).extensions?.code;
    expect([code(nobody), code(analyst), code(nosy), code(otherDistrict)]).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
  });

  it('resumes after a reconnect from the last report seen: what came meanwhile is replayed, nothing lost or repeated, then live again', async () => {
    clock = T;
    const c = await newCase('小区停车位被占');
    const filter = { unitIds: [c.unitId] };
    const first = listen(await connect(await token('supervisor')), { filter, after: FROM_THE_START });
    clock = new Date(T.getTime() + minutes(96));
    await timer().tick();
    const last = await waitFor(() => first.received.find((a) => a.complaintId === c.id), 'the first report');
    expect(first.received.at(-1)).toBe(last);
    // The connection drops; meanwhile RESPOND and ACCEPT fall due and their warnings and reports are given.
    first.dispose();
    await clients.at(-1)!.dispose();
    clock = new Date(T.getTime() + minutes(120));
    await timer().tick();
    clock = new Date(T.getTime() + minutes(24 * 60));
    await timer().tick();
    const missed = (
      await post(
        `query($after: ID, $filter: DeadlineAlertFilter) { deadlineAlerts(after: $after, filter: $filter) { edges { node { id } } } }`,
        { after: last.id, filter },
        await token('supervisor'),
      )
    ).data!.deadlineAlerts.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(missed.length).toBeGreaterThanOrEqual(2);

    const resumed = listen(await connect(await token('supervisor')), { filter, after: last.id });
    await waitFor(() => resumed.received.length >= missed.length, 'the replay');
    expect(resumed.received.map((a) => a.id)).toEqual(missed);
    expect(resumed.received.every((a) => a.complaint?.title)).toBe(true);
    // Live again: REPLY's warning (80% of 5 days = 4 days).
    clock = new Date(T.getTime() + minutes(4 * 24 * 60));
    await timer().tick();
    await waitFor(() => resumed.received.some((a) => a.kind === 'REPLY' && a.level === 'WARNING'), 'a live report after the replay');
    const ids = resumed.received.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(last.id);
    resumed.dispose();
  });
});
