import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { mintUserToken, type Role } from '@hotline/shared';
import { waitFor } from '@hotline/shared/testing';
import { distributedMode, startTestSystem, type TestSystem } from './test-system';

/*
 * Live overdue reports across processes: supervision's timer (its own process, on PostgreSQL) reports a
 * deadline overdue, the event leaves through its outbox to Kafka, the gateway (another process) takes it
 * from the topic and pushes it over graphql-ws with the case's fields resolved through the federated graph.
 * Time is not waited for: the deadline's due time is moved into the past in supervision's database, which
 * is what the passing of time looks like to the timer.
 */
const maybe = distributedMode() ? describe : describe.skip;

const JWT_SECRET = 'hotline-development-secret-change-me';
const JWT_ISSUER = 'hotline-12345';
const token = (role: Role) => mintUserToken({ sub: `live-${role}`, roles: [role], district: '110199' }, JWT_SECRET, JWT_ISSUER);
/** Resumes from before every kept report: a fresh subscription misses nothing given while it starts. */
const FROM_THE_START = '00000000-0000-7000-8000-000000000000';

const submit = `mutation Submit($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
const deadlinesOf = `query($id: ID!) { complaint(id: $id) { deadlines { kind state } } }`;
const subscription = `subscription Live($filter: OverdueFilter, $after: ID) {
  overdueEvents(filter: $filter, after: $after) { id level kind complaintId unitId complaint { id title categoryName currentUnitName } }
}`;

type Alert = {
  id: string;
  level: string;
  kind: string;
  complaintId: string;
  unitId: string;
  complaint: { id: string; title: string; categoryName: string | null; currentUnitName: string | null } | null;
};

maybe('live overdue reports across processes (distributed mode)', () => {
  let system: TestSystem;
  let supervisionDb: pg.Client;
  let agent: string;
  const clients: Client[] = [];

  const gql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };
  /** A dispatched complaint whose four deadlines supervision has set. */
  const dispatchedComplaint = async (title: string) => {
    const input = {
      channel: 'HOTLINE',
      type: 'COMPLAINT',
      urgency: 'GENERAL',
      categoryId: 'property.fees',
      title,
      description: '小区物业今年上调物业费，没有公示。',
      address: '安华里社区3号楼',
      location: { lat: 39.87, lng: 116.31 },
      complainant: { anonymous: true },
    };
    const submitted = await gql(submit, { input });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data.submitComplaint.complaint.id as string;
    await waitFor(
      async () => (await gql(deadlinesOf, { id })).data?.complaint?.deadlines?.length === 4,
      `the deadlines of "${title}"`,
      60_000,
    );
    return id;
  };
  /** Time passes for one deadline of the complaint: its due time is now in the past. */
  const fallDue = (complaintId: string, kind: string) =>
    supervisionDb.query(
      `UPDATE "deadline" SET "due_at" = now() - interval '1 second', "warn_at" = NULL WHERE "complaint_id" = $1 AND "kind" = $2`,
      [complaintId, kind],
    );
  const listen = async (after: string) => {
    const client = createClient({
      url: system.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await token('supervisor')}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const received: Alert[] = [];
    const errors: unknown[] = [];
    const dispose = client.subscribe<{ overdueEvents: Alert }>(
      { query: subscription, variables: { filter: { levels: ['OVERDUE'] }, after } },
      {
        next: (r) => (r.data ? received.push(r.data.overdueEvents) : errors.push(r.errors)),
        error: (e) => void errors.push(e),
        complete: () => undefined,
      },
    );
    return { received, errors, dispose, client };
  };

  beforeAll(async () => {
    system = await startTestSystem('distributed');
    supervisionDb = new pg.Client({ connectionString: system.distributed!.databaseUrl('supervision') });
    await supervisionDb.connect();
    agent = await token('agent');
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await supervisionDb?.end();
    await system?.stop();
  });

  it('pushes a deadline gone overdue to a subscriber, with the case from the graph, and resumes after a reconnect from the last report seen', async () => {
    const first = await dispatchedComplaint('物业费上涨未公示（一）');
    const second = await dispatchedComplaint('物业费上涨未公示（二）');
    const live = await listen(FROM_THE_START);

    await fallDue(first, 'RESPOND');
    const a = await waitFor(() => live.received.find((x) => x.complaintId === first), 'the first overdue report', 60_000);
    expect(a).toMatchObject({
      level: 'OVERDUE',
      kind: 'RESPOND',
      unitId: 'unit-110199-001',
      complaint: { id: first, title: '物业费上涨未公示（一）', categoryName: '物业收费', currentUnitName: '安华街道办事处' },
    });

    // The subscription has replayed what was kept and is live: this one can only come from the Kafka feed.
    await fallDue(second, 'RESPOND');
    const b = await waitFor(() => live.received.find((x) => x.complaintId === second), 'the second overdue report, live', 60_000);
    expect(b).toMatchObject({ level: 'OVERDUE', kind: 'RESPOND', complaint: { id: second, currentUnitName: '安华街道办事处' } });
    expect(live.errors).toEqual([]);

    // Gone while a report is given; back with the last id seen: it arrives, and nothing seen comes again.
    live.dispose();
    await fallDue(second, 'ACCEPT');
    const back = await listen(b.id);
    const c = await waitFor(
      () => back.received.find((x) => x.complaintId === second && x.kind === 'ACCEPT'),
      'the report given while away',
      60_000,
    );
    expect(c).toMatchObject({ level: 'OVERDUE', complaint: { id: second } });
    expect(back.received.map((x) => x.id)).not.toContain(a.id);
    expect(back.received.map((x) => x.id)).not.toContain(b.id);
    expect(back.errors).toEqual([]);
  });
});
