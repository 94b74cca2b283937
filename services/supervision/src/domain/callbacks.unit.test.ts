import {
  approveExemption,
  CallbackRuleBroken,
  needsSupervision,
  record,
  requestExemption,
  sendBack,
  type CallbackTaskRecord,
} from './callbacks';

const at = new Date('2026-03-10T02:00:00.000Z');
const task = (overrides: Partial<CallbackTaskRecord> = {}): CallbackTaskRecord => ({
  id: 't-1',
  district: '110199',
  complaintId: 'c-1',
  workOrderId: 'wo-1',
  unitId: 'unit-110199-001',
  attempt: 1,
  state: 'DUE',
  dueAt: new Date('2026-03-09T02:00:00.000Z'),
  contacted: null,
  solved: null,
  rating: null,
  recordedBy: null,
  recordedAt: null,
  reviewReason: null,
  exemptionRequestedBy: null,
  reviewedBy: null,
  reviewedAt: null,
  ...overrides,
});

describe('recording a callback', () => {
  it('given a due callback, when the citizen is satisfied, then it is done', () => {
    expect(record(task(), { contacted: true, solved: true, rating: 'SATISFIED' }, 'agent-1', at)).toEqual({
      contacted: true,
      solved: true,
      rating: 'SATISFIED',
      recordedBy: 'agent-1',
      recordedAt: at,
      state: 'DONE',
    });
  });

  it('given a due callback, when the citizen is dissatisfied, then the case goes under review', () => {
    expect(record(task(), { contacted: true, solved: false, rating: 'DISSATISFIED' }, 'agent-1', at).state).toBe('IN_REVIEW');
  });

  it('given a callback already recorded, when recorded again, then it is refused', () => {
    expect(() => record(task({ state: 'DONE' }), { contacted: null, solved: null, rating: 'NO_COMMENT' }, 'a', at)).toThrow(
      CallbackRuleBroken,
    );
  });
});

describe('reviewing a dissatisfied case', () => {
  const inReview = task({ state: 'IN_REVIEW', rating: 'DISSATISFIED' });

  it('given a case under review, when one supervisor asks for an exemption and another approves, then it is exempted', () => {
    const asked = { ...inReview, ...requestExemption(inReview, 'demand beyond policy', 'sup-1') };
    expect(asked).toMatchObject({ state: 'EXEMPTION_REQUESTED', reviewReason: 'demand beyond policy', exemptionRequestedBy: 'sup-1' });
    expect(approveExemption(asked, 'sup-2', at)).toEqual({ state: 'EXEMPTED', reviewedBy: 'sup-2', reviewedAt: at });
  });

  it('given an exemption request, when its requester approves it, then it is refused: approval needs a second person', () => {
    const asked = { ...inReview, ...requestExemption(inReview, 'r', 'sup-1') };
    expect(() => approveExemption(asked, 'sup-1', at)).toThrow(/someone other/);
  });

  it('given no exemption request, when approved, then it is refused', () => {
    expect(() => approveExemption(inReview, 'sup-2', at)).toThrow(/no exemption request/);
  });

  it('given a case under review, when sent back, then it is sent back; a case not under review cannot be', () => {
    expect(sendBack(inReview, 'redo the repair', 'sup-1', at)).toEqual({
      state: 'SENT_BACK',
      reviewReason: 'redo the repair',
      reviewedBy: 'sup-1',
      reviewedAt: at,
    });
    expect(() => sendBack(task(), 'r', 'sup-1', at)).toThrow(/not under review/);
  });

  it('given a limit of 2, when sent back once, then no supervision yet; at the second, supervision', () => {
    expect([needsSupervision(1, 2), needsSupervision(2, 2)]).toEqual([false, true]);
  });
});
