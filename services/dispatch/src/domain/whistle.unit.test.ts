import { blowWhistle, decideWhistle, evolveWhistle, type WhistleCommand, type WhistleRecord } from './whistle';

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 8, minute));

/** Street 001 summons the building commission and the water authority at 08:00 with 30 minutes to report in. */
const aWhistle = (): WhistleRecord =>
  blowWhistle({
    id: 'w',
    complaintId: 'c',
    district: '110199',
    streetUnitId: 'unit-110199-001',
    departmentUnitIds: ['unit-110199-zjw', 'unit-110199-sw'],
    reason: 'a burst main under a building site',
    reportInMinutes: 30,
    at: at(0),
  });

/** Applies commands that must be decided, in order. */
function after(whistle: WhistleRecord, ...commands: WhistleCommand[]): WhistleRecord {
  return commands.reduce((w, command) => {
    const decision = decideWhistle(command, w);
    if (!decision.ok) throw new Error(decision.reason);
    return decision.events.reduce(evolveWhistle, w);
  }, whistle);
}

describe('whistle & report (吹哨报到)', () => {
  it('given a whistle blown at 08:00 with 30 minutes, then it is OPEN, due at 08:30, with every department summoned and none reported in', () => {
    expect(aWhistle()).toMatchObject({
      state: 'OPEN',
      reportInDueAt: at(30),
      summons: [
        { unitId: 'unit-110199-zjw', reportedInAt: null, late: null, partDoneAt: null },
        { unitId: 'unit-110199-sw', reportedInAt: null, late: null, partDoneAt: null },
      ],
    });
  });

  it('given an open whistle, when a department reports in at the limit, then it is in time', () => {
    expect(decideWhistle({ type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(30) }, aWhistle())).toEqual({
      ok: true,
      events: [{ type: 'ReportedIn', unitId: 'unit-110199-zjw', at: at(30), late: false }],
    });
  });

  it('given an open whistle, when a department reports in after the limit, then it is late', () => {
    expect(decideWhistle({ type: 'ReportIn', unitId: 'unit-110199-sw', at: at(31) }, aWhistle())).toEqual({
      ok: true,
      events: [{ type: 'ReportedIn', unitId: 'unit-110199-sw', at: at(31), late: true }],
    });
  });

  it('given a department that reported in, when it reports in again, then it is refused', () => {
    const whistle = after(aWhistle(), { type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(5) });
    expect(decideWhistle({ type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(6) }, whistle)).toEqual({
      ok: false,
      reason: 'the unit has already reported in',
    });
  });

  it('given a unit not summoned, when it reports in, then it is refused', () => {
    expect(decideWhistle({ type: 'ReportIn', unitId: 'unit-110199-jw', at: at(5) }, aWhistle())).toEqual({
      ok: false,
      reason: expect.stringMatching(/not summoned/),
    });
  });

  it('given a department that has not reported in, when it reports its part done, then it is refused', () => {
    expect(decideWhistle({ type: 'ReportPartDone', unitId: 'unit-110199-zjw', at: at(5) }, aWhistle())).toEqual({
      ok: false,
      reason: expect.stringMatching(/report in before/),
    });
  });

  it('given both reported in, when the first part is done, then exactly that part is decided done and nothing closes', () => {
    const whistle = after(
      aWhistle(),
      { type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(5) },
      { type: 'ReportIn', unitId: 'unit-110199-sw', at: at(40) },
    );
    expect(decideWhistle({ type: 'ReportPartDone', unitId: 'unit-110199-zjw', at: at(50) }, whistle)).toEqual({
      ok: true,
      events: [{ type: 'PartDone', unitId: 'unit-110199-zjw', at: at(50) }],
    });
  });

  it('given both reported in, when the first part is done, then the whistle stays OPEN', () => {
    const whistle = after(
      aWhistle(),
      { type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(5) },
      { type: 'ReportIn', unitId: 'unit-110199-sw', at: at(40) },
      { type: 'ReportPartDone', unitId: 'unit-110199-zjw', at: at(50) },
    );
    expect(whistle).toMatchObject({ state: 'OPEN', closedAt: null, summons: [{ partDoneAt: at(50) }, { late: true, partDoneAt: null }] });
  });

  it('given one part left, when it is done, then the whistle CLOSES at that moment', () => {
    const whistle = after(
      aWhistle(),
      { type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(5) },
      { type: 'ReportIn', unitId: 'unit-110199-sw', at: at(6) },
      { type: 'ReportPartDone', unitId: 'unit-110199-zjw', at: at(50) },
    );
    const decision = decideWhistle({ type: 'ReportPartDone', unitId: 'unit-110199-sw', at: at(55) }, whistle);
    expect(decision).toEqual({
      ok: true,
      events: [
        { type: 'PartDone', unitId: 'unit-110199-sw', at: at(55) },
        { type: 'Closed', at: at(55) },
      ],
    });
    expect(decision.ok && decision.events.reduce(evolveWhistle, whistle)).toMatchObject({ state: 'CLOSED', closedAt: at(55) });
  });

  it('given a part already done, when it is reported done again, then it is refused', () => {
    const whistle = after(
      aWhistle(),
      { type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(5) },
      { type: 'ReportPartDone', unitId: 'unit-110199-zjw', at: at(6) },
    );
    expect(decideWhistle({ type: 'ReportPartDone', unitId: 'unit-110199-zjw', at: at(7) }, whistle)).toEqual({
      ok: false,
      reason: expect.stringMatching(/already reported its part done/),
    });
  });

  it('given a closed whistle, when anything is reported, then it is refused', () => {
    const closed = { ...aWhistle(), state: 'CLOSED' as const };
    expect(decideWhistle({ type: 'ReportIn', unitId: 'unit-110199-zjw', at: at(5) }, closed)).toEqual({
      ok: false,
      reason: expect.stringMatching(/closed/),
    });
  });
});
