import { hasRole, type Caller, type RequestCaller, type Role } from '@hotline/shared';
import type { UnitRecord } from './units';

/** Everyone who works a case or watches over it; citizens are not among them. */
export const staff: Role[] = ['agent', 'dispatcher', 'handler', 'supervisor', 'analyst', 'admin', 'city'];
/** Who may open a unit's queue at all; which units they may open is canReadQueue's question. */
export const queueReaders: Role[] = ['handler', 'dispatcher', 'supervisor', 'admin', 'city'];
/** Who works the dispatchers' manual queue. */
export const manualQueueReaders: Role[] = ['dispatcher', 'supervisor', 'admin'];

/** Records of a district are for its own people, and for city-level callers. */
export const readsDistrict = (caller: RequestCaller, district: string): boolean =>
  caller !== null && (caller.district === district || caller.roles.includes('city'));

/**
 * A handler works for one unit and sees only that unit's queue; dispatchers, supervisors and admins
 * see the queue of any unit of their district, city-level callers any unit at all. A caller holding
 * several roles gets the widest of them.
 */
export function canReadQueue(caller: Caller, unit: UnitRecord): boolean {
  if (hasRole(caller, 'city')) return true;
  if (hasRole(caller, 'dispatcher', 'supervisor', 'admin')) return caller.district === unit.district;
  if (hasRole(caller, 'handler')) return caller.unit === unit.id;
  return false;
}
