import { z } from 'zod';

export const unitKinds = ['DISTRICT', 'STREET', 'TOWN', 'DEPARTMENT', 'COMMUNITY', 'VILLAGE', 'GRID', 'COMPANY', 'COMMAND_CENTRE'] as const;
export type UnitKind = (typeof unitKinds)[number];

/** A handling unit as dispatch keeps it. */
export interface UnitRecord {
  id: string;
  district: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  /** A region owned by intake, referenced by id only. */
  regionId: string | null;
  contactPhone: string | null;
}

/** The shape of a unit in a directory file; what a directory must satisfy before it is loaded. */
export const unitRecord = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and hyphens'),
  district: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(unitKinds),
  parentId: z.string().nullable(),
  regionId: z.string().nullable(),
  contactPhone: z.string().nullable(),
});
