import { createEvent, newId, WorkOrderDispatched } from '@hotline/shared';
import { silentLogger } from '@hotline/shared/testing';
import type { DeadlineRule } from '../domain/deadline-rules';
import type { DeadlineRecord } from '../domain/deadlines';
import type { SupervisionStore, SupervisionTx } from '../store/supervision-store';
import { createSupervisionManager, NoDeadlineRule } from './supervision-manager';

const general: DeadlineRule = {
  id: 'general',
  name: 'general',
  urgency: 'GENERAL',
  categoryPrefix: null,
  areaType: null,
  limits: { RESPOND: 120, ACCEPT: 1440, REPLY: 7200, CLOSE: 10080 },
  workingDays: false,
};

const dispatched = (urgency: 'URGENT' | 'GENERAL') =>
  createEvent(WorkOrderDispatched, {
    subject: 'c-1',
    district: '110199',
    actor: 'dispatcher-1',
    data: {
      workOrderId: 'wo-1',
      complaintId: 'c-1',
      unitId: 'unit-110199-001',
      ruleId: null,
      ruleVersion: null,
      role: 'LEAD',
      categoryId: 'property.fees',
      urgency,
      areaType: 'BUILT_UP',
      dispatchedAt: '2026-03-02T01:30:00.000Z',
    },
  });

/** A store holding the given rules and the deadlines already set, and a transaction that records outbox writes. */
function given(rules: DeadlineRule[], alreadySet: DeadlineRecord[] = []) {
  const stored = [...alreadySet];
  const outbox: unknown[][] = [];
  const store = {
    rules: async () => rules,
    insertDeadlines: async (_tx: SupervisionTx, deadlines: DeadlineRecord[]) => {
      const fresh = deadlines.filter((d) => !stored.some((s) => s.workOrderId === d.workOrderId && s.kind === d.kind));
      stored.push(...fresh);
      return fresh.length;
    },
  } as unknown as SupervisionStore;
  const tx = { $executeRawUnsafe: async (_sql: string, ...values: unknown[]) => void outbox.push(values) } as unknown as SupervisionTx;
  const manager = createSupervisionManager({ store, now: () => new Date('2026-03-02T01:30:02.000Z'), logger: silentLogger() });
  return { manager, tx, stored, outbox };
}

describe('setting deadlines for a dispatched work order', () => {
  it('given a matching rule, when dispatched, then four deadlines are stored and DeadlinesSet goes to the outbox', async () => {
    const { manager, tx, stored, outbox } = given([general]);
    await manager.setDeadlines(tx, dispatched('GENERAL'));
    expect(stored.map((d) => d.kind)).toEqual(['RESPOND', 'ACCEPT', 'REPLY', 'CLOSE']);
    expect(outbox).toHaveLength(1);
    const [, topic, key, payload] = outbox[0] as [string, string, string, string];
    expect([topic, key]).toEqual(['hotline.supervision.events', 'c-1']);
    expect(JSON.parse(payload)).toMatchObject({
      type: 'supervision.deadlines.set',
      actor: 'system:supervision',
      data: { workOrderId: 'wo-1', ruleId: 'general' },
    });
  });

  it('given the order’s deadlines already set, when it is announced again, then nothing is stored or announced', async () => {
    const first = given([general]);
    await first.manager.setDeadlines(first.tx, dispatched('GENERAL'));
    const { manager, tx, stored, outbox } = given([general], first.stored);
    await manager.setDeadlines(tx, { ...dispatched('GENERAL'), id: newId() });
    expect(stored).toEqual(first.stored);
    expect(outbox).toHaveLength(0);
  });

  it('given a rule set with no rule for the urgency, when dispatched, then it fails naming the gap and writes nothing', async () => {
    const { manager, tx, stored, outbox } = given([general]);
    await expect(manager.setDeadlines(tx, dispatched('URGENT'))).rejects.toThrow(NoDeadlineRule);
    await expect(manager.setDeadlines(tx, dispatched('URGENT'))).rejects.toThrow(
      'no deadline rule matches urgency URGENT, category property.fees, area type BUILT_UP',
    );
    expect(stored).toHaveLength(0);
    expect(outbox).toHaveLength(0);
  });
});
