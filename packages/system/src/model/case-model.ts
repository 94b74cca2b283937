import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Graph } from './graph';

/**
 * A model-based test of whole cases: random sequences of what agents, dispatchers, handlers and
 * inspectors do, driven through the gateway. The model knows which complaints it submitted and how
 * (so commands pick real targets); the real system decides what each command may do in the state it
 * is in — a refusal (CONFLICT, BAD_USER_INPUT, NOT_FOUND) is a fine answer, anything else fails the
 * run. Afterwards the invariants are checked across all four services (see invariants.ts).
 */
export interface CaseModel {
  complaints: Array<{ id: string; reachable: boolean; located: boolean; categoryId: string }>;
}

/** The system under test and every complaint it holds (across runs: analytics counts them all). */
export interface CaseSystem {
  graph: Graph;
  /** Every complaint submitted so far, across runs. */
  all: string[];
}

type Command = fc.AsyncCommand<CaseModel, CaseSystem>;

const GRID = '110199-001-01-1';
const POINT = { lat: 39.87, lng: 116.31 };
const CATEGORIES = ['property.fees', 'city-appearance.garbage', 'education.fees'] as const;
/** Units a dispatcher may route a case to: two streets and a department. */
const UNITS = ['unit-110199-001', 'unit-110199-002', 'unit-110199-cgw'] as const;
const DEPARTMENTS = ['unit-110199-cgw', 'unit-110199-zjw'] as const;
const RATINGS = ['SATISFIED', 'BASICALLY_SATISFIED', 'NO_COMMENT', 'DISSATISFIED'] as const;

interface Order {
  id: string;
  state: string;
  role: string;
  version: number;
  manualQueue: boolean;
  unit: { id: string; kind: string };
}
interface Live {
  id: string;
  status: string;
  intakeState: string;
  workOrders: Order[];
  callback: { id: string; state: string } | null;
  whistles: Array<{ id: string; state: string; version: number; summons: Array<{ unit: { id: string }; reportedInAt: string | null }> }>;
}

const liveQuery = `query Live($id: ID!) {
  complaint(id: $id) {
    id status intakeState
    workOrders { id state role version manualQueue unit { id kind } }
    callback { id state }
    whistles { id state version summons { unit { id } reportedInAt } }
  }
}`;

const live = async (graph: Graph, id: string) => (await graph.read<{ complaint: Live }>('supervisor', liveQuery, { id })).complaint;
/** The case's latest lead order, the one commands on "the case" act on. */
const leadOf = (c: Live) => c.workOrders.filter((o) => o.role === 'LEAD').at(-1) ?? null;
const pick = (m: Readonly<CaseModel>, i: number) => m.complaints[i % m.complaints.length]!;
const key = () => randomUUID();

const submitMutation = `mutation Submit($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;

function complaintInput(n: number, reachable: boolean, located: boolean, categoryId: string) {
  return {
    channel: 'HOTLINE',
    type: 'COMPLAINT',
    urgency: 'GENERAL',
    categoryId,
    title: `小区门口垃圾堆放 ${n}`,
    description: '小区门口的垃圾已经堆放三天没有清运，气味很大。',
    address: '安华里社区3号楼',
    ...(located ? { location: POINT } : {}),
    complainant: reachable ? { name: '王小明', phone: `139${String(n).padStart(8, '0')}` } : { anonymous: true },
  };
}

let submitted = 0;

async function submit(m: CaseModel, r: CaseSystem, reachable: boolean, located: boolean, categoryId: string): Promise<string> {
  const data = await r.graph.read<{ submitComplaint: { complaint: { id: string } } }>('agent', submitMutation, {
    input: complaintInput(++submitted, reachable, located, categoryId),
  });
  const id = data.submitComplaint.complaint.id;
  m.complaints.push({ id, reachable, located, categoryId });
  r.all.push(id);
  return id;
}

/** A command that acts on one complaint the model holds; `act` reads the case and does what it does. */
function onCase(name: string, i: number, act: (r: CaseSystem, c: Live, m: CaseModel) => Promise<void>, args = ''): Command {
  return {
    check: (m) => m.complaints.length > 0,
    run: async (m, r) => act(r, await live(r.graph, pick(m, i).id), m),
    toString: () => `${name}(#${i}${args ? `, ${args}` : ''})`,
  };
}

/** The work-order commands of a handler of the lead order's unit. */
async function asHandler(r: CaseSystem, c: Live, mutation: string, variables: Record<string, unknown> = {}) {
  const lead = leadOf(c);
  if (!lead) return null;
  return r.graph.run<Record<string, Order>>(
    'handler',
    mutation,
    { id: lead.id, expectedVersion: lead.version, idempotencyKey: key(), ...variables },
    lead.unit.id,
  );
}

/** Which complaint a command acts on (an index into the model's, modulo their number): a few, so that cases get far along. */
const target = fc.nat({ max: 5 });

const commands = {
  submit: fc
    .record({ reachable: fc.boolean(), located: fc.boolean(), category: fc.constantFrom(...CATEGORIES) })
    .map(({ reachable, located, category }): Command => ({
      check: () => true,
      run: async (m, r) => void (await submit(m, r, reachable, located, category)),
      toString: () => `submit(${reachable ? 'reachable' : 'anonymous'}, ${located ? 'located' : 'address only'}, ${category})`,
    })),
  nearDuplicate: fc.record({ i: target, reachable: fc.boolean() }).map(({ i, reachable }): Command => ({
    check: (m) => m.complaints.length > 0,
    run: async (m, r) => {
      const original = pick(m, i);
      const id = await submit(m, r, reachable, original.located, original.categoryId);
      await r.graph.run('agent', `mutation($a: ID!, $b: ID!) { mergeComplaints(complaintId: $a, intoComplaintId: $b) { escalated } }`, {
        a: id,
        b: original.id,
      });
    },
    toString: () => `nearDuplicate(#${i}, ${reachable ? 'reachable' : 'anonymous'}) and merge`,
  })),
  merge: fc.record({ i: target, j: target }).map(({ i, j }): Command => ({
    check: (m) => m.complaints.length > 1,
    run: async (m, r) => {
      const [a, b] = [pick(m, i), pick(m, j)];
      if (a.id === b.id) return;
      await r.graph.run(
        'dispatcher',
        `mutation($a: ID!, $b: ID!) { mergeComplaints(complaintId: $a, intoComplaintId: $b) { escalated } }`,
        {
          a: a.id,
          b: b.id,
        },
      );
    },
    toString: () => `merge(#${i} into #${j})`,
  })),
  unmerge: fc
    .nat()
    .map((i) =>
      onCase(
        'unmerge',
        i,
        async (r, c) =>
          void (await r.graph.run('agent', `mutation($id: ID!) { unmergeComplaint(complaintId: $id) { escalated } }`, { id: c.id })),
      ),
    ),
  place: target.map((i) =>
    onCase(
      'place',
      i,
      async (r, c) =>
        void (await r.graph.run('dispatcher', `mutation($id: ID!) { placeComplaint(id: $id, input: { regionId: "${GRID}" }) { id } }`, {
          id: c.id,
        })),
    ),
  ),
  closeAtIntake: fc
    .nat()
    .map((i) =>
      onCase(
        'closeAtIntake',
        i,
        async (r, c) =>
          void (await r.graph.run(
            'agent',
            `mutation($id: ID!) { closeAtIntake(complaintId: $id, input: { answer: "已按知识库答复市民" }) { id } }`,
            { id: c.id },
          )),
      ),
    ),
  accept: fc
    .nat()
    .map((i) =>
      onCase(
        'accept',
        i,
        async (r, c) =>
          void (await asHandler(
            r,
            c,
            `mutation($id: ID!, $expectedVersion: Int!, $idempotencyKey: String!) { acceptWorkOrder(id: $id, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) { id } }`,
          )),
      ),
    ),
  return: fc
    .nat()
    .map((i) =>
      onCase(
        'return',
        i,
        async (r, c) =>
          void (await asHandler(
            r,
            c,
            `mutation($id: ID!, $expectedVersion: Int!, $idempotencyKey: String!) { returnWorkOrder(id: $id, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey, reasonCode: NOT_OUR_DUTY, reason: "不属于本单位职责") { id } }`,
          )),
      ),
    ),
  redispatch: fc.record({ i: target, unit: fc.constantFrom(...UNITS), arbitrate: fc.boolean() }).map(({ i, unit, arbitrate }) =>
    onCase(
      arbitrate ? 'arbitrate' : 'redispatch',
      i,
      async (r, c) => {
        const lead = leadOf(c);
        if (!lead) return;
        const field = arbitrate ? 'arbitrate' : 'redispatch';
        await r.graph.run(
          'dispatcher',
          `mutation($id: ID!, $v: Int!, $k: String!, $unit: ID!) { ${field}(workOrderId: $id, expectedVersion: $v, idempotencyKey: $k, unitId: $unit) { id } }`,
          { id: lead.id, v: lead.version, k: key(), unit },
        );
      },
      unit,
    ),
  ),
  whistle: fc.record({ i: target, department: fc.constantFrom(...DEPARTMENTS), done: fc.boolean() }).map(({ i, department, done }) =>
    onCase(
      'whistle and report in',
      i,
      async (r, c) => {
        const lead = leadOf(c);
        // Only a street office or town government leading the case blows the whistle.
        if (!lead || !['STREET', 'TOWN'].includes(lead.unit.kind)) return;
        const blown = await r.graph.run<{ blowWhistle: { id: string; version: number } }>(
          'handler',
          `mutation($id: ID!, $units: [ID!]!, $k: String!) { blowWhistle(complaintId: $id, departmentUnitIds: $units, reason: "需要多部门联合处置", reportInMinutes: 30, idempotencyKey: $k) { id version } }`,
          { id: c.id, units: [department], k: key() },
          lead.unit.id,
        );
        if (!blown) return;
        const reported = await r.graph.run<{ reportIn: { version: number } }>(
          'handler',
          `mutation($id: ID!, $v: Int!, $k: String!) { reportIn(whistleId: $id, expectedVersion: $v, idempotencyKey: $k) { version } }`,
          { id: blown.blowWhistle.id, v: blown.blowWhistle.version, k: key() },
          department,
        );
        if (reported && done)
          await r.graph.run(
            'handler',
            `mutation($id: ID!, $v: Int!, $k: String!) { reportPartDone(whistleId: $id, expectedVersion: $v, idempotencyKey: $k) { version } }`,
            { id: blown.blowWhistle.id, v: reported.reportIn.version, k: key() },
            department,
          );
      },
      `${department}${done ? ', part done' : ''}`,
    ),
  ),
  pause: fc.record({ i: target, resume: fc.boolean() }).map(({ i, resume }) =>
    onCase(resume ? 'resume clock' : 'pause clock', i, async (r, c) => {
      const lead = leadOf(c);
      if (!lead) return;
      await r.graph.run(
        'supervisor',
        resume
          ? `mutation($id: ID!) { resumeClock(workOrderId: $id) { id } }`
          : `mutation($id: ID!) { pauseClock(workOrderId: $id, reason: "等待市民补充材料") { id } }`,
        { id: lead.id },
      );
    }),
  ),
  extension: fc.record({ i: target, approved: fc.boolean() }).map(({ i, approved }) =>
    onCase(
      'extension',
      i,
      async (r, c) => {
        const asked = await asHandler(
          r,
          c,
          `mutation($id: ID!, $expectedVersion: Int!, $idempotencyKey: String!) { requestExtension(id: $id, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey, minutes: 1440, reason: "需协调施工队") { id version } }`,
        );
        const order = asked?.requestExtension;
        if (!order) return;
        await r.graph.run(
          'dispatcher',
          `mutation($id: ID!, $v: Int!, $k: String!, $approved: Boolean!) { decideExtension(id: $id, expectedVersion: $v, idempotencyKey: $k, approved: $approved) { id } }`,
          { id: order.id, v: order.version, k: key(), approved },
        );
      },
      approved ? 'approved' : 'refused',
    ),
  ),
  reply: target.map((i) =>
    onCase('start work and reply', i, async (r, c) => {
      const lead = leadOf(c);
      if (!lead) return;
      let current = c;
      if (lead.state === 'ACCEPTED') {
        await asHandler(
          r,
          c,
          `mutation($id: ID!, $expectedVersion: Int!, $idempotencyKey: String!) { startWork(id: $id, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) { id } }`,
        );
        current = await live(r.graph, c.id);
      }
      await asHandler(
        r,
        current,
        `mutation($id: ID!, $expectedVersion: Int!, $idempotencyKey: String!) { replyToCitizen(id: $id, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey, text: "已联系环卫清运完毕") { id } }`,
      );
    }),
  ),
  close: fc
    .nat()
    .map((i) =>
      onCase(
        'close',
        i,
        async (r, c) =>
          void (await asHandler(
            r,
            c,
            `mutation($id: ID!, $expectedVersion: Int!, $idempotencyKey: String!) { closeWorkOrder(id: $id, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) { id } }`,
          )),
      ),
    ),
  callback: fc.record({ i: target, rating: fc.constantFrom(...RATINGS) }).map(({ i, rating }) =>
    onCase(
      'callback',
      i,
      async (r, c) => {
        if (!c.callback) return;
        await r.graph.run('agent', `mutation($input: RecordCallbackInput!) { recordCallback(input: $input) { id } }`, {
          input: { id: c.callback.id, contacted: true, solved: rating !== 'DISSATISFIED', rating },
        });
      },
      rating,
    ),
  ),
  sendBack: target.map((i) =>
    onCase('send back', i, async (r, c) => {
      if (!c.callback) return;
      await r.graph.run('supervisor', `mutation($id: ID!) { sendBackCase(id: $id, reason: "市民反映问题未解决") { id } }`, {
        id: c.callback.id,
      });
    }),
  ),
  exemption: target.map((i) =>
    onCase('exemption', i, async (r, c) => {
      if (!c.callback) return;
      const asked = await r.graph.run(
        'supervisor',
        `mutation($id: ID!) { requestExemption(id: $id, reason: "诉求不合理，超出政策范围") { id } }`,
        {
          id: c.callback.id,
        },
      );
      if (asked) await r.graph.run('supervisor', `mutation($id: ID!) { approveExemption(id: $id) { id } }`, { id: c.callback.id });
    }),
  ),
};

/**
 * Sequences of commands. Submissions weigh more, so a sequence has cases to act on, and the case's
 * own lifecycle (accept, reply, close, callback) comes up often enough to reach its end.
 */
export const caseCommands = (maxCommands: number) =>
  fc.commands(
    [
      commands.submit,
      commands.submit,
      commands.submit,
      commands.nearDuplicate,
      commands.merge,
      commands.unmerge,
      commands.place,
      commands.closeAtIntake,
      commands.accept,
      commands.accept,
      commands.return,
      commands.redispatch,
      commands.whistle,
      commands.pause,
      commands.extension,
      commands.reply,
      commands.reply,
      commands.close,
      commands.close,
      commands.callback,
      commands.callback,
      commands.sendBack,
      commands.exemption,
    ],
    { maxCommands, size: 'max' },
  );
