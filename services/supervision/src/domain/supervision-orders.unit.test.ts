import {
  close,
  escalate,
  escalationDueAt,
  openingLevel,
  raiseTo,
  SupervisionRuleBroken,
  type SupervisionOrderRecord,
} from './supervision-orders';

const at = new Date('2026-03-03T02:00:00.000Z');
const order = (overrides: Partial<SupervisionOrderRecord> = {}): SupervisionOrderRecord => ({
  id: 'o-1',
  district: '110199',
  complaintId: 'c-1',
  unitId: 'unit-110199-001',
  level: 'REMINDER',
  state: 'OPEN',
  cause: 'OVERDUE',
  keySupervision: false,
  note: null,
  openedBy: 'system:supervision',
  openedAt: new Date('2026-03-02T03:30:00.000Z'),
  escalatedAt: null,
  closedBy: null,
  closedAt: null,
  closingNote: null,
  evidence: [],
  ...overrides,
});

describe('supervision order levels', () => {
  it('given an overdue deadline or an inspector’s hand, when opened, then it starts as a reminder; a repeat call or dissatisfaction starts at supervision', () => {
    expect([openingLevel('OVERDUE'), openingLevel('MANUAL'), openingLevel('REPEAT_CALL'), openingLevel('DISSATISFIED')]).toEqual([
      'REMINDER',
      'REMINDER',
      'SUPERVISION',
      'SUPERVISION',
    ]);
  });

  it('given a reminder, when escalated twice, then it becomes supervision and then an interview of the unit head', () => {
    const once = { ...order(), ...escalate(order(), at) };
    expect(once.level).toBe('SUPERVISION');
    expect(escalate(once, at)).toEqual({ level: 'INTERVIEW', escalatedAt: at });
  });

  it('given an interview, when escalated, then it is refused: nothing is above it', () => {
    expect(() => escalate(order({ level: 'INTERVIEW' }), at)).toThrow(SupervisionRuleBroken);
  });

  it('given a closed order, when escalated, then it is refused', () => {
    expect(() => escalate(order({ state: 'CLOSED' }), at)).toThrow(/closed/);
  });

  it('given an open reminder, when a repeat call raises it to supervision, then it is raised; when it already is, nothing changes', () => {
    expect(raiseTo(order(), 'SUPERVISION', at)).toEqual({ level: 'SUPERVISION', escalatedAt: at });
    expect(raiseTo(order({ level: 'INTERVIEW' }), 'SUPERVISION', at)).toBeNull();
  });
});

describe('closing a supervision order', () => {
  it('given evidence and a note, when closed, then it is closed by the inspector', () => {
    expect(close(order(), 'inspector-1', at, ' unit visited the site ', ['visit record 2026-031'])).toEqual({
      state: 'CLOSED',
      closedBy: 'inspector-1',
      closedAt: at,
      closingNote: 'unit visited the site',
      evidence: ['visit record 2026-031'],
    });
  });

  it('given no evidence, or an empty note, or an order already closed, when closed, then it is refused', () => {
    expect(() => close(order(), 'i', at, 'done', [])).toThrow(/evidence/);
    expect(() => close(order(), 'i', at, '  ', ['x'])).toThrow(/note/);
    expect(() => close(order({ state: 'CLOSED' }), 'i', at, 'done', ['x'])).toThrow(/already closed/);
  });
});

describe('escalation over time', () => {
  const limits = { REMINDER: 24, SUPERVISION: 72 };

  it('given an open reminder, then it falls due for escalation its limit after opening; once raised, the next limit counts from the raise', () => {
    expect(escalationDueAt(order(), limits)).toEqual(new Date('2026-03-03T03:30:00.000Z'));
    expect(escalationDueAt(order({ level: 'SUPERVISION', escalatedAt: at }), limits)).toEqual(new Date('2026-03-06T02:00:00.000Z'));
  });

  it('given an interview, a closed order or a level without a limit, then it never escalates by itself', () => {
    expect(escalationDueAt(order({ level: 'INTERVIEW' }), limits)).toBeNull();
    expect(escalationDueAt(order({ state: 'CLOSED' }), limits)).toBeNull();
    expect(escalationDueAt(order(), { REMINDER: null, SUPERVISION: 72 })).toBeNull();
  });
});
