import { route } from '../domain/routing';
import { demoResponsibilityList, demoUnits } from './load';

const rules = demoResponsibilityList();
const units = demoUnits();
const at = new Date('2026-06-01T00:00:00Z');
const routeTo = (categoryId: string, street: string | null) =>
  route({ district: '110199', categoryId, regionPath: street ? [street] : [], type: 'COMPLAINT', at }, rules, 'unit-110199-command');

describe('the demo responsibility list', () => {
  it('given a property-fee complaint in 安华街道, it goes to 安华街道办事处', () => {
    expect(routeTo('property.fees', '110199-001')).toMatchObject({
      unitId: 'unit-110199-001',
      rule: { id: 'rule-110199-001-property', version: 1 },
      manualQueue: false,
    });
  });

  it.each([
    ['property.repair', '110199-002', 'unit-110199-002'],
    ['city-appearance.garbage', '110199-003', 'unit-110199-003'],
    ['illegal-construction', '110199-004', 'unit-110199-004'],
    ['cooking-fumes', '110199-001', 'unit-110199-001'],
    ['rural.land', '110199-004', 'unit-110199-004'],
    ['construction-noise.night', '110199-001', 'unit-110199-zjw'],
    ['utilities.heating', '110199-002', 'unit-110199-zjw'],
    ['education.enrolment', '110199-003', 'unit-110199-jw'],
    ['noise.commercial', '110199-001', 'unit-110199-sthj'],
    ['utilities.water', '110199-001', 'unit-110199-sw'],
    ['utilities.power', '110199-004', 'unit-110199-gd'],
    ['utilities.gas', '110199-002', 'unit-110199-cgw'],
    ['traffic.parking', '110199-001', 'unit-110199-jt'],
    ['consumer.refund', '110199-003', 'unit-110199-scjg'],
  ])('given %s in %s, it goes to %s', (categoryId, street, unitId) => {
    expect(routeTo(categoryId, street)).toMatchObject({ unitId, manualQueue: false });
  });

  it('given a complaint of the category "other", no rule claims it and it waits at the command centre', () => {
    expect(routeTo('other', '110199-001')).toEqual({ unitId: 'unit-110199-command', rule: null, manualQueue: true });
  });

  it('given a property complaint that was not placed in any street, it waits at the command centre', () => {
    expect(routeTo('property.fees', null).manualQueue).toBe(true);
  });

  it('given the heating rule of 2025, heating complaints of that year went to the city-management commission', () => {
    const decision = route(
      { district: '110199', categoryId: 'utilities.heating', regionPath: [], type: 'HELP', at: new Date('2025-12-01T00:00:00Z') },
      rules,
      'unit-110199-command',
    );
    expect(decision).toMatchObject({ unitId: 'unit-110199-cgw', rule: { version: 1 } });
  });

  it('names only units of the directory, and every unit parent is in the directory', () => {
    const ids = new Set(units.map((u) => u.id));
    expect(rules.filter((r) => !ids.has(r.leadUnitId))).toEqual([]);
    expect(units.filter((u) => u.parentId !== null && !ids.has(u.parentId))).toEqual([]);
    expect(units.filter((u) => u.kind === 'COMMAND_CENTRE').map((u) => u.id)).toEqual(['unit-110199-command']);
  });
});
