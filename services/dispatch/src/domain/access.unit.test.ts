import { testCaller } from '@hotline/shared/testing';
import { canReadQueue } from './access';
import type { UnitRecord } from './units';

const street: UnitRecord = {
  id: 'unit-110199-001',
  district: '110199',
  name: '安华街道办事处',
  kind: 'STREET',
  parentId: 'unit-110199',
  regionId: '110199-001',
  contactPhone: null,
};
const elsewhere: UnitRecord = { ...street, id: 'unit-110105-001', district: '110105' };

describe('who reads a unit queue', () => {
  it('given a handler of the unit, they read its queue', () => {
    expect(canReadQueue(testCaller('handler', { unit: street.id }), street)).toBe(true);
  });

  it('given a handler of another unit, or of no unit, they do not', () => {
    expect(canReadQueue(testCaller('handler', { unit: 'unit-110199-002' }), street)).toBe(false);
    expect(canReadQueue(testCaller('handler'), street)).toBe(false);
  });

  it.each(['dispatcher', 'supervisor', 'admin'] as const)(
    'given a %s, they read every unit of their district and none of another',
    (role) => {
      expect(canReadQueue(testCaller(role), street)).toBe(true);
      expect(canReadQueue(testCaller(role), elsewhere)).toBe(false);
    },
  );

  it('given a handler who is also a dispatcher, the wider role counts', () => {
    expect(canReadQueue(testCaller('handler', { roles: ['handler', 'dispatcher'], unit: 'unit-110199-002' }), street)).toBe(true);
  });

  it('given a city-level caller, they read any district', () => {
    expect(canReadQueue(testCaller('city'), elsewhere)).toBe(true);
  });

  it.each(['agent', 'analyst', 'citizen'] as const)('given a %s, they read no queue', (role) => {
    expect(canReadQueue(testCaller(role), street)).toBe(false);
  });
});
