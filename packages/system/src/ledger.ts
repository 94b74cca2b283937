import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from './distributed';
import type { DatabaseProbe } from './databases';

/**
 * What every service holds about a set of submitted complaints, read from their databases and (for
 * analytics) through the graph. Once the system has settled it must equal `expectedLedger(n)`:
 * every complaint stored once, dispatched once, given its four deadlines once and counted once, and
 * no event left behind in an outbox.
 */
export interface Ledger {
  intake: {
    complaints: number;
    /** How many of the accepted ids are stored. */
    acceptedStored: number;
  };
  dispatch: {
    cases: number;
    workOrders: number;
    complaintsWithOrder: number;
    acceptedWithoutOrder: number;
    complaintsWithSeveralOrders: number;
  };
  supervision: {
    deadlines: number;
    workOrders: number;
    /** Work orders with other than one deadline of each of the four kinds. */
    workOrdersWithoutFourKinds: number;
    /** Work orders supervision knows that dispatch does not. */
    unknownWorkOrders: number;
  };
  analytics: {
    complaintsReceived: number;
    workOrdersDispatched: number;
    /** The district's work orders summed over its units. */
    unitWorkOrders: number;
    /** Work orders whose deadlines were set, summed over the units' stats. */
    deadlinesSet: number;
  };
  outbox: Record<ServiceName, number>;
}

export const expectedLedger = (complaints: number): Ledger => ({
  intake: { complaints, acceptedStored: complaints },
  dispatch: {
    cases: complaints,
    workOrders: complaints,
    complaintsWithOrder: complaints,
    acceptedWithoutOrder: 0,
    complaintsWithSeveralOrders: 0,
  },
  supervision: { deadlines: complaints * 4, workOrders: complaints, workOrdersWithoutFourKinds: 0, unknownWorkOrders: 0 },
  analytics: { complaintsReceived: complaints, workOrdersDispatched: complaints, unitWorkOrders: complaints, deadlinesSet: complaints },
  outbox: { intake: 0, dispatch: 0, supervision: 0, analytics: 0 },
});

/** Where analytics' figures are read: the gateway, with a token of a caller who may read them (analyst). */
export interface GraphAccess {
  url: string;
  token: string;
}

const summary = `{ districtSummary { complaintsReceived workOrdersDispatched byUnit(first: 100) { count unit { id stats { deadlinesSet } } } } }`;

interface SummaryAnswer {
  data?: {
    districtSummary: {
      complaintsReceived: number;
      workOrdersDispatched: number;
      byUnit: Array<{ count: number; unit: { stats: { deadlinesSet: number } } }>;
    };
  } | null;
  errors?: Array<{ message: string }>;
}

async function readAnalytics(graph: GraphAccess): Promise<Ledger['analytics']> {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${graph.token}` },
    body: JSON.stringify({ query: summary }),
  });
  const body = (await response.json()) as SummaryAnswer;
  const figures = body.data?.districtSummary;
  if (!figures || body.errors)
    throw new Error(`districtSummary failed: HTTP ${response.status} ${body.errors?.map((e) => e.message).join('; ') ?? ''}`);
  return {
    complaintsReceived: figures.complaintsReceived,
    workOrdersDispatched: figures.workOrdersDispatched,
    unitWorkOrders: figures.byUnit.reduce((sum, u) => sum + u.count, 0),
    deadlinesSet: figures.byUnit.reduce((sum, u) => sum + u.unit.stats.deadlinesSet, 0),
  };
}

/** Reads the ledger of the complaints with the given ids (the ones the graph accepted). */
export async function readLedger(db: DatabaseProbe, graph: GraphAccess, acceptedIds: readonly string[]): Promise<Ledger> {
  const ids = [...acceptedIds];
  const workOrderIds = (await db.rows<{ id: string }>('dispatch', `SELECT "id"::text AS "id" FROM "work_order"`)).map((r) => r.id);
  const [complaints, acceptedStored, cases, workOrders, complaintsWithOrder, acceptedWithoutOrder, complaintsWithSeveralOrders] =
    await Promise.all([
      db.count('intake', `SELECT count(*) FROM "complaint"`),
      db.count('intake', `SELECT count(*) FROM "complaint" WHERE "id" = ANY($1::uuid[])`, [ids]),
      db.count('dispatch', `SELECT count(*) FROM "complaint_case"`),
      db.count('dispatch', `SELECT count(*) FROM "work_order"`),
      db.count('dispatch', `SELECT count(DISTINCT "complaint_id") FROM "work_order"`),
      db.count(
        'dispatch',
        `SELECT count(*) FROM unnest($1::text[]) AS a("id") WHERE NOT EXISTS (SELECT 1 FROM "work_order" w WHERE w."complaint_id" = a."id")`,
        [ids],
      ),
      db.count(
        'dispatch',
        `SELECT count(*) FROM (SELECT "complaint_id" FROM "work_order" GROUP BY "complaint_id" HAVING count(*) > 1) AS several`,
      ),
    ]);
  const [deadlines, supervisedOrders, workOrdersWithoutFourKinds, unknownWorkOrders] = await Promise.all([
    db.count('supervision', `SELECT count(*) FROM "deadline"`),
    db.count('supervision', `SELECT count(DISTINCT "work_order_id") FROM "deadline"`),
    db.count(
      'supervision',
      `SELECT count(*) FROM (SELECT "work_order_id" FROM "deadline" GROUP BY "work_order_id" HAVING count(*) <> 4 OR count(DISTINCT "kind") <> 4) AS odd`,
    ),
    db.count('supervision', `SELECT count(DISTINCT "work_order_id") FROM "deadline" WHERE NOT ("work_order_id" = ANY($1::text[]))`, [
      workOrderIds,
    ]),
  ]);
  return {
    intake: { complaints, acceptedStored },
    dispatch: { cases, workOrders, complaintsWithOrder, acceptedWithoutOrder, complaintsWithSeveralOrders },
    supervision: { deadlines, workOrders: supervisedOrders, workOrdersWithoutFourKinds, unknownWorkOrders },
    analytics: await readAnalytics(graph),
    outbox: await db.outboxes(),
  };
}

/**
 * Reads the ledger until it equals the expected one for `acceptedIds`, and returns the last one
 * read — at the timeout too, so the test's own assertion shows what is still missing.
 */
export async function settledLedger(
  db: DatabaseProbe,
  graph: GraphAccess,
  acceptedIds: readonly string[],
  timeoutMs = 120_000,
): Promise<Ledger> {
  const expected = expectedLedger(acceptedIds.length);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ledger: Ledger | null = null;
    try {
      ledger = await readLedger(db, graph, acceptedIds);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (ledger && (isDeepStrictEqual(ledger, expected) || Date.now() > deadline)) return ledger;
    await sleep(250);
  }
}
