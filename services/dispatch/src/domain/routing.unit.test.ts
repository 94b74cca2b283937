import {
  nextVersion,
  regionPathOf,
  responsibilityRuleRecord,
  route,
  ruleChoosing,
  type ResponsibilityRuleRecord,
  type RoutingRequest,
} from './routing';

const COMMAND = 'unit-110199-command';

/** A rule in force since 2025 for every type, district-wide, unless told otherwise. */
const rule = (
  over: Partial<ResponsibilityRuleRecord> & Pick<ResponsibilityRuleRecord, 'id' | 'categoryPrefix' | 'leadUnitId'>,
): ResponsibilityRuleRecord => ({
  version: 1,
  district: '110199',
  regionId: null,
  complaintType: null,
  assistUnitIds: [],
  effectiveFrom: new Date('2025-01-01T00:00:00Z'),
  effectiveTo: null,
  ...over,
});

/** A complaint placed in a grid of 安华街道, received in mid 2026. */
const complaint = (over: Partial<RoutingRequest> = {}): RoutingRequest => ({
  district: '110199',
  categoryId: 'property.fees',
  regionPath: ['110199-001', '110199-001-01', '110199-001-01-1'],
  type: 'COMPLAINT',
  at: new Date('2026-06-01T00:00:00Z'),
  ...over,
});

const given = (...rules: ResponsibilityRuleRecord[]) => ({ when: (request: RoutingRequest) => route(request, rules, COMMAND) });

describe('routing by the responsibility list', () => {
  const streetProperty = rule({ id: 'street-property', categoryPrefix: 'property', regionId: '110199-001', leadUnitId: 'unit-110199-001' });
  const districtProperty = rule({ id: 'district-property', categoryPrefix: 'property', leadUnitId: 'unit-110199-zjw' });

  it('given a street rule and a district-wide rule, a complaint in that street goes to the street', () => {
    const decision = given(districtProperty, streetProperty).when(complaint());
    expect(decision).toEqual({ unitId: 'unit-110199-001', rule: streetProperty, manualQueue: false });
  });

  it('given a street rule and a district-wide rule, a complaint in another street goes to the district-wide unit', () => {
    const decision = given(streetProperty, districtProperty).when(complaint({ regionPath: ['110199-002', '110199-002-01'] }));
    expect(decision.unitId).toBe('unit-110199-zjw');
    expect(decision.rule?.id).toBe('district-property');
  });

  it('given only a street rule, a complaint not placed on the map waits in the manual queue', () => {
    expect(given(streetProperty).when(complaint({ regionPath: [] }))).toEqual({ unitId: COMMAND, rule: null, manualQueue: true });
  });

  it('given a rule for a category and one for its sub-category, the sub-category rule wins for that sub-category only', () => {
    const fees = rule({ id: 'fees', categoryPrefix: 'property.fees', leadUnitId: 'unit-110199-scjg' });
    expect(given(districtProperty, fees).when(complaint()).unitId).toBe('unit-110199-scjg');
    expect(given(districtProperty, fees).when(complaint({ categoryId: 'property.repair' })).unitId).toBe('unit-110199-zjw');
  });

  it('given a street rule for the category and a district-wide rule for the sub-category, the longer category prefix wins', () => {
    const fees = rule({ id: 'fees', categoryPrefix: 'property.fees', leadUnitId: 'unit-110199-scjg' });
    expect(given(streetProperty, fees).when(complaint()).unitId).toBe('unit-110199-scjg');
  });

  it('given a rule for a category, a category that merely starts with the same letters does not match', () => {
    const noise = rule({ id: 'noise', categoryPrefix: 'noise', leadUnitId: 'unit-110199-sthj' });
    expect(given(noise).when(complaint({ categoryId: 'noise-barriers' })).manualQueue).toBe(true);
    expect(given(noise).when(complaint({ categoryId: 'noise' })).unitId).toBe('unit-110199-sthj');
  });

  it('given a community rule inside a street with its own rule, the community rule wins', () => {
    const community = rule({ id: 'community', categoryPrefix: 'property', regionId: '110199-001-01', leadUnitId: 'unit-110199-001-01' });
    expect(given(streetProperty, community).when(complaint()).unitId).toBe('unit-110199-001-01');
  });

  it('given a rule limited to reports and one for every type, a report goes by the first and a complaint by the second', () => {
    const reports = rule({ id: 'reports', categoryPrefix: 'property', complaintType: 'REPORT', leadUnitId: 'unit-110199-cgw' });
    expect(given(districtProperty, reports).when(complaint({ type: 'REPORT' })).unitId).toBe('unit-110199-cgw');
    expect(given(districtProperty, reports).when(complaint({ type: 'COMPLAINT' })).unitId).toBe('unit-110199-zjw');
  });

  it('given a rule of another district, it never applies', () => {
    const elsewhere = rule({ id: 'elsewhere', categoryPrefix: 'property', district: '110105', leadUnitId: 'unit-110105-001' });
    expect(given(elsewhere).when(complaint()).manualQueue).toBe(true);
  });

  describe('effective dates', () => {
    const v1 = rule({
      id: 'heating',
      version: 1,
      categoryPrefix: 'utilities.heating',
      leadUnitId: 'unit-110199-cgw',
      effectiveTo: new Date('2026-01-01T00:00:00Z'),
    });
    const v2 = rule({
      id: 'heating',
      version: 2,
      categoryPrefix: 'utilities.heating',
      leadUnitId: 'unit-110199-zjw',
      effectiveFrom: new Date('2026-01-01T00:00:00Z'),
    });
    const heating = (at: string) => complaint({ categoryId: 'utilities.heating', at: new Date(at) });

    it('given two versions of a rule, a complaint goes by the version in force when it was received', () => {
      expect(given(v1, v2).when(heating('2025-12-31T23:59:59.999Z'))).toMatchObject({
        unitId: 'unit-110199-cgw',
        rule: { id: 'heating', version: 1 },
      });
      expect(given(v1, v2).when(heating('2026-01-01T00:00:00Z'))).toMatchObject({
        unitId: 'unit-110199-zjw',
        rule: { id: 'heating', version: 2 },
      });
    });

    it('given a rule that has not taken effect yet, a complaint received before it waits in the manual queue', () => {
      expect(given(v2).when(heating('2025-06-01T00:00:00Z')).manualQueue).toBe(true);
    });

    it('given a rule that has expired, a complaint received at its end no longer matches it (the end is exclusive)', () => {
      expect(given(v1).when(heating('2026-01-01T00:00:00Z')).manualQueue).toBe(true);
    });

    it('given an expired specific rule and a district-wide rule in force, the rule in force wins', () => {
      const expiredStreet = rule({ ...streetProperty, effectiveTo: new Date('2026-01-01T00:00:00Z') });
      expect(given(expiredStreet, districtProperty).when(complaint()).unitId).toBe('unit-110199-zjw');
    });
  });

  it('given no rule for the category, the order goes to the command centre and waits in the manual queue', () => {
    expect(given(streetProperty, districtProperty).when(complaint({ categoryId: 'other' }))).toEqual({
      unitId: COMMAND,
      rule: null,
      manualQueue: true,
    });
  });

  it('given two equally specific rules in force, the one that took effect last wins, whatever their order', () => {
    const older = rule({ id: 'b-older', categoryPrefix: 'property', leadUnitId: 'unit-a' });
    const newer = rule({
      id: 'a-newer',
      categoryPrefix: 'property',
      leadUnitId: 'unit-b',
      effectiveFrom: new Date('2026-02-01T00:00:00Z'),
    });
    expect(given(older, newer).when(complaint()).unitId).toBe('unit-b');
    expect(given(newer, older).when(complaint()).unitId).toBe('unit-b');
  });
});

describe('the region path read from a region id', () => {
  it('given a grid id, the path runs from its street down to the grid', () => {
    expect(regionPathOf('110199', '110199-001-01-1')).toEqual(['110199-001', '110199-001-01', '110199-001-01-1']);
  });

  it('given the district itself, the path is empty (district-wide rules only)', () => {
    expect(regionPathOf('110199', '110199')).toEqual([]);
  });

  it.each(['110105-001', '1101990-001', '110199-', '110199--01'])(
    'given %s, which is no region of the district, there is no path',
    (id) => {
      expect(regionPathOf('110199', id)).toBeNull();
    },
  );
});

describe('editing the responsibility list', () => {
  it('given no versions, the next version is 1; given versions 1 and 2, it is 3', () => {
    expect(nextVersion([])).toBe(1);
    expect(
      nextVersion([
        rule({ id: 'r', categoryPrefix: 'noise', leadUnitId: 'u', version: 2 }),
        rule({ id: 'r', categoryPrefix: 'noise', leadUnitId: 'u', version: 1 }),
      ]),
    ).toBe(3);
  });

  it('given a rule naming its lead unit among the assisting ones, then it is refused', () => {
    const entry = {
      id: 'r',
      version: 1,
      district: '110199',
      categoryPrefix: 'rural',
      regionId: null,
      complaintType: null,
      leadUnitId: 'u',
      effectiveFrom: '2025-01-01T00:00:00Z',
      effectiveTo: null,
    };
    expect(responsibilityRuleRecord.safeParse({ ...entry, assistUnitIds: ['u'] }).success).toBe(false);
    expect(responsibilityRuleRecord.safeParse({ ...entry, assistUnitIds: ['v', 'v'] }).success).toBe(false);
    expect(responsibilityRuleRecord.parse(entry).assistUnitIds).toEqual([]);
  });

  it('given two equally specific versions in force, then the one that took effect last decides', () => {
    const v1 = rule({ id: 'parking', version: 1, categoryPrefix: 'traffic.parking', leadUnitId: 'unit-110199-002' });
    const v2 = rule({
      id: 'parking',
      version: 2,
      categoryPrefix: 'traffic.parking',
      leadUnitId: 'unit-110199-jt',
      effectiveFrom: new Date('2026-05-15T00:00:00Z'),
    });
    expect(given(v1, v2).when(complaint({ categoryId: 'traffic.parking' }))).toEqual({
      unitId: 'unit-110199-jt',
      rule: v2,
      manualQueue: false,
    });
    expect(given(v1, v2).when(complaint({ categoryId: 'traffic.parking', at: new Date('2026-05-01T00:00:00Z') }))).toEqual({
      unitId: 'unit-110199-002',
      rule: v1,
      manualQueue: false,
    });
  });
});

describe('the rule behind a dispatcher’s choice of unit', () => {
  const districtProperty = rule({
    id: 'district-property',
    categoryPrefix: 'property',
    leadUnitId: 'unit-110199-zjw',
    assistUnitIds: ['unit-110199-scjg'],
  });
  const streetProperty = rule({ id: 'street-property', categoryPrefix: 'property', regionId: '110199-001', leadUnitId: 'unit-110199-001' });

  it('given a less specific rule naming the chosen unit as lead, when a dispatcher chooses that unit, then that rule is the one behind the choice', () => {
    expect(ruleChoosing(complaint(), [streetProperty, districtProperty], 'unit-110199-zjw')).toBe(districtProperty);
  });

  it('given no matching rule naming the chosen unit as lead, when a dispatcher chooses it, then no rule is behind the choice', () => {
    expect(ruleChoosing(complaint(), [streetProperty, districtProperty], 'unit-110199-sw')).toBeNull();
    expect(ruleChoosing(complaint({ categoryId: 'noise.traffic' }), [districtProperty], 'unit-110199-zjw')).toBeNull();
  });
});
