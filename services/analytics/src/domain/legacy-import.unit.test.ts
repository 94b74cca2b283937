import { eventsOf, parseCsv, parseNdjson, validateRows } from './legacy-import';

const header =
  'caseId,district,streetId,categoryId,channel,urgency,areaType,lat,lng,receivedAt,unitId,dispatchedAt,respondDueAt,respondedAt,closedAt,callbackAt,solved,rating,exempted';

describe('reading legacy files', () => {
  it('given CSV with quoted commas, quotes and a line break, when parsed, then each row keeps the line it starts on', () => {
    const csv = `a,b\n"x, ""y""",2\n"multi\nline",3\r\nlast,4`;
    expect(parseCsv(csv)).toEqual({
      rows: [
        { line: 2, value: { a: 'x, "y"', b: '2' } },
        { line: 3, value: { a: 'multi\nline', b: '3' } },
        { line: 5, value: { a: 'last', b: '4' } },
      ],
      problems: [],
    });
  });

  it('given a CSV row with too few fields, when parsed, then it is reported by line', () => {
    expect(parseCsv('a,b\n1\n').problems).toEqual([{ line: 2, field: 'row', message: 'has 1 fields, the header 2' }]);
  });

  it('given NDJSON with a broken line and a blank one, when parsed, then the broken line is reported and the blank skipped', () => {
    const parsed = parseNdjson('{"a":1}\n\n{oops\n[1]\n');
    expect(parsed.rows).toEqual([{ line: 1, value: { a: 1 } }]);
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 4]);
  });
});

describe('validating legacy cases', () => {
  it('given good and bad rows, when validated, then every problem names its line and field and only good rows remain', () => {
    const csv = [
      header,
      'L1,110199,110199-001,property.fees,HOTLINE,,BUILT_UP,,,2026-01-05T01:00:00Z,unit-110199-001,2026-01-05T02:00:00Z,2026-01-05T03:00:00Z,2026-01-05T02:30:00Z,2026-01-08T00:00:00Z,2026-01-09T00:00:00Z,yes,SATISFIED,',
      'L2,110199,110199-001,property.fees,FAX,,,,,2026-01-05T01:00:00Z,,,,,,,,,',
      'L3,110199,,noise,HOTLINE,,,39.9,,not-a-time,,,,,,,,,',
      'L1,110199,,noise,HOTLINE,,,,,2026-01-05T01:00:00Z,,,,,,,,,',
      'L4,110199,,noise,HOTLINE,,,,,2026-01-05T01:00:00Z,,,,,,2026-01-09T00:00:00Z,,SATISFIED,',
    ].join('\n');
    const { cases, problems } = validateRows(parseCsv(csv));
    expect(cases.map((c) => [c.line, c.value.caseId, c.value.urgency, c.value.solved])).toEqual([[2, 'L1', 'GENERAL', true]]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'channel'],
      [4, 'receivedAt'],
      [4, 'lng'],
      [5, 'caseId'],
      [6, 'unitId'],
      [6, 'unitId'],
    ]);
  });

  it('given a full case, when turned into events, then it is the events of a live case with ids derived from the case', () => {
    const { cases } = validateRows(
      parseNdjson(
        JSON.stringify({
          caseId: 'L9',
          district: '110199',
          streetId: '110199-002',
          categoryId: 'noise',
          channel: 'WEB',
          receivedAt: '2026-01-05T01:00:00Z',
          unitId: 'unit-110199-002',
          dispatchedAt: '2026-01-05T02:00:00Z',
          respondDueAt: '2026-01-05T03:00:00Z',
          respondedAt: '2026-01-05T02:10:00Z',
          callbackAt: '2026-01-09T00:00:00Z',
          solved: false,
          rating: 'DISSATISFIED',
          exempted: true,
        }),
      ),
    );
    const events = eventsOf(cases[0]!.value);
    expect(events.map((e) => e.type)).toEqual([
      'intake.complaint.received',
      'dispatch.work-order.dispatched',
      'supervision.deadlines.set',
      'dispatch.work-order.accepted',
      'supervision.callback.recorded',
      'supervision.case.exempted',
    ]);
    expect(events[4]).toMatchObject({
      subject: 'L9',
      district: '110199',
      data: { workOrderId: 'legacy-L9', callbackId: 'legacy-L9-callback', solved: false, rating: 'DISSATISFIED' },
    });
  });
});
