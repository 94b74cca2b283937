import { z } from 'zod';
import { REQUEST_TRANSACTION } from '@hotline/shared';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import type { ComplaintType, ResponsibilityRuleRecord } from '../domain/routing';
import type { UnitKind, UnitRecord } from '../domain/units';
import type { AreaType, CaseRecord, Urgency, WorkOrderRecord, WorkOrderRole, WorkOrderState } from '../domain/work-orders';
import { historyDetails, type HistoryEntry, type HistoryEntryType } from '../domain/history';
import type { WhistleRecord, WhistleState } from '../domain/whistle';

export { PrismaClient };
export type DispatchTx = Prisma.TransactionClient;

export interface UnitQuery {
  district: string;
  kind?: UnitKind | null;
  /** Keyset: units with an id after this one. */
  afterId?: string | null;
  limit: number;
}

/** Either one unit's orders or a district's manual queue, by dispatch time. */
export interface WorkOrderQuery {
  unitId?: string;
  district?: string;
  manualQueue?: boolean;
  state?: WorkOrderState;
  urgency?: Urgency;
  /** Newest first unless ascending. */
  ascending?: boolean;
  /** Keyset: orders strictly past this (dispatchedAt, id) in the list's order. */
  after?: { dispatchedAt: Date; id: string } | null;
  limit: number;
}

/** What a command changes on an order; the version moves on by one. */
export type WorkOrderChange = Pick<WorkOrderRecord, 'state' | 'rehandles' | 'pendingExtension' | 'replyText' | 'updatedAt'>;

const isUuid = (id: string) => z.uuid().safeParse(id).success;

// Rows hold what the domain wrote, so the string columns carry the domain's values.
const toUnit = (row: Prisma.UnitGetPayload<object>): UnitRecord => ({ ...row, kind: row.kind as UnitKind });
const toRule = (row: Prisma.ResponsibilityRuleGetPayload<object>): ResponsibilityRuleRecord => ({
  ...row,
  complaintType: row.complaintType as ComplaintType | null,
});
const toCase = (row: Prisma.ComplaintCaseGetPayload<object>): CaseRecord => ({
  ...row,
  type: row.type as ComplaintType,
  urgency: row.urgency as Urgency,
  areaType: row.areaType as AreaType | null,
});
function toWorkOrder(row: Prisma.WorkOrderGetPayload<object>): WorkOrderRecord {
  const { extensionMinutes, extensionReason, ...rest } = row;
  return {
    ...rest,
    role: row.role as WorkOrderRole,
    state: row.state as WorkOrderState,
    // The table's check keeps both columns set or both null.
    pendingExtension: extensionMinutes !== null && extensionReason !== null ? { minutes: extensionMinutes, reason: extensionReason } : null,
  };
}
const toHistory = (row: Prisma.WorkOrderEventGetPayload<object>): HistoryEntry => ({
  id: row.id,
  workOrderId: row.workOrderId,
  version: row.version,
  type: row.type as HistoryEntryType,
  actor: row.actor,
  at: row.at,
  note: row.note,
  details: historyDetails.parse(row.data),
});
type WhistleRow = Prisma.WhistleGetPayload<{ include: { summons: true } }>;
const toWhistle = ({ summons, ...row }: WhistleRow): WhistleRecord => ({
  ...row,
  state: row.state as WhistleState,
  summons: summons.map(({ whistleId: _whistle, ...s }) => s).sort((a, b) => a.unitId.localeCompare(b.unitId)),
});
const extensionColumns = (pending: WorkOrderRecord['pendingExtension']) => ({
  extensionMinutes: pending?.minutes ?? null,
  extensionReason: pending?.reason ?? null,
});

/** Dispatch's SQL, and nothing else: no rules here. */
export function createDispatchStore(prisma: PrismaClient) {
  function orderWhere(q: WorkOrderQuery): Prisma.WorkOrderWhereInput {
    const and: Prisma.WorkOrderWhereInput[] = [];
    if (q.unitId !== undefined) and.push({ unitId: q.unitId });
    if (q.district !== undefined) and.push({ district: q.district });
    if (q.manualQueue !== undefined) and.push({ manualQueue: q.manualQueue });
    if (q.state !== undefined) and.push({ state: q.state });
    if (q.urgency !== undefined) and.push({ complaint: { urgency: q.urgency } });
    return { AND: and };
  }

  return {
    transaction: <T>(fn: (tx: DispatchTx) => Promise<T>) => prisma.$transaction(fn, REQUEST_TRANSACTION),

    async unitsByIds(ids: readonly string[], tx?: DispatchTx): Promise<UnitRecord[]> {
      return (await (tx ?? prisma).unit.findMany({ where: { id: { in: [...ids] } } })).map(toUnit);
    },

    async listUnits(q: UnitQuery): Promise<{ rows: UnitRecord[]; total: number }> {
      const base: Prisma.UnitWhereInput = { district: q.district, ...(q.kind ? { kind: q.kind } : {}) };
      const [rows, total] = await Promise.all([
        prisma.unit.findMany({
          where: q.afterId ? { AND: [base, { id: { gt: q.afterId } }] } : base,
          orderBy: { id: 'asc' },
          take: q.limit,
        }),
        prisma.unit.count({ where: base }),
      ]);
      return { rows: rows.map(toUnit), total };
    },

    /** The district's default owner of orders no rule claims. */
    async commandCentreOf(district: string, tx?: DispatchTx): Promise<UnitRecord | null> {
      const row = await (tx ?? prisma).unit.findFirst({
        where: { district, kind: 'COMMAND_CENTRE' satisfies UnitKind },
        orderBy: { id: 'asc' },
      });
      return row && toUnit(row);
    },

    /** Every version of every rule of the district; routing picks those in force. */
    async rulesOf(district: string, tx?: DispatchTx): Promise<ResponsibilityRuleRecord[]> {
      return (await (tx ?? prisma).responsibilityRule.findMany({ where: { district }, orderBy: [{ id: 'asc' }, { version: 'asc' }] })).map(
        toRule,
      );
    },

    /** Every version of one rule, oldest first. */
    async ruleVersions(tx: DispatchTx, id: string): Promise<ResponsibilityRuleRecord[]> {
      return (await tx.responsibilityRule.findMany({ where: { id }, orderBy: { version: 'asc' } })).map(toRule);
    },

    /** False when that version of the rule exists already (another admin saved it first). */
    async insertRule(tx: DispatchTx, rule: ResponsibilityRuleRecord): Promise<boolean> {
      const { count } = await tx.responsibilityRule.createMany({ data: [rule], skipDuplicates: true });
      return count === 1;
    },

    async rulesByKeys(keys: ReadonlyArray<{ id: string; version: number }>): Promise<ResponsibilityRuleRecord[]> {
      if (keys.length === 0) return [];
      return (await prisma.responsibilityRule.findMany({ where: { OR: keys.map(({ id, version }) => ({ id, version })) } })).map(toRule);
    },

    /** False when the case was already recorded. */
    async insertCase(tx: DispatchTx, c: CaseRecord): Promise<boolean> {
      const { count } = await tx.complaintCase.createMany({ data: [c], skipDuplicates: true });
      return count === 1;
    },

    async insertWorkOrder(tx: DispatchTx, order: WorkOrderRecord): Promise<void> {
      const { pendingExtension, ...columns } = order;
      await tx.workOrder.create({ data: { ...columns, ...extensionColumns(pendingExtension) } });
    },

    /**
     * Saves a change only if the order is still at the version the command was decided on: the check is
     * in the UPDATE's WHERE, so of two concurrent writers exactly one matches. False when it lost.
     */
    async updateWorkOrder(tx: DispatchTx, id: string, expectedVersion: number, change: WorkOrderChange): Promise<boolean> {
      const { pendingExtension, ...columns } = change;
      const { count } = await tx.workOrder.updateMany({
        where: { id, version: expectedVersion },
        data: { ...columns, ...extensionColumns(pendingExtension), version: expectedVersion + 1 },
      });
      return count === 1;
    },

    async workOrderById(id: string, tx?: DispatchTx): Promise<WorkOrderRecord | null> {
      if (!isUuid(id)) return null;
      const row = await (tx ?? prisma).workOrder.findUnique({ where: { id } });
      return row && toWorkOrder(row);
    },

    /** A case's orders, oldest first. */
    async workOrdersOfComplaint(tx: DispatchTx, complaintId: string): Promise<WorkOrderRecord[]> {
      return (await tx.workOrder.findMany({ where: { complaintId }, orderBy: [{ dispatchedAt: 'asc' }, { id: 'asc' }] })).map(toWorkOrder);
    },

    async caseById(tx: DispatchTx, complaintId: string): Promise<CaseRecord | null> {
      const row = await tx.complaintCase.findUnique({ where: { complaintId } });
      return row && toCase(row);
    },

    async insertHistory(tx: DispatchTx, entry: HistoryEntry): Promise<void> {
      const { details, ...columns } = entry;
      await tx.workOrderEvent.create({ data: { ...columns, data: details as Prisma.InputJsonValue } });
    },

    /** An order's history, oldest first, after a version. */
    async history(workOrderId: string, afterVersion: number | null, limit: number): Promise<{ rows: HistoryEntry[]; total: number }> {
      const base: Prisma.WorkOrderEventWhereInput = { workOrderId };
      const [rows, total] = await Promise.all([
        prisma.workOrderEvent.findMany({
          where: afterVersion === null ? base : { workOrderId, version: { gt: afterVersion } },
          orderBy: { version: 'asc' },
          take: limit,
        }),
        prisma.workOrderEvent.count({ where: base }),
      ]);
      return { rows: rows.map(toHistory), total };
    },

    async insertWhistle(tx: DispatchTx, whistle: WhistleRecord): Promise<void> {
      const { summons, ...columns } = whistle;
      await tx.whistle.create({ data: { ...columns, summons: { create: summons } } });
    },

    /** Saves a whistle only if it is still at the version the command was decided on; false when it lost. */
    async updateWhistle(tx: DispatchTx, whistle: WhistleRecord, expectedVersion: number): Promise<boolean> {
      const { count } = await tx.whistle.updateMany({
        where: { id: whistle.id, version: expectedVersion },
        data: { state: whistle.state, closedAt: whistle.closedAt, version: expectedVersion + 1 },
      });
      if (count === 0) return false;
      for (const { unitId, ...s } of whistle.summons)
        await tx.whistleSummons.update({ where: { whistleId_unitId: { whistleId: whistle.id, unitId } }, data: s });
      return true;
    },

    async whistleById(id: string, tx?: DispatchTx): Promise<WhistleRecord | null> {
      if (!isUuid(id)) return null;
      const row = await (tx ?? prisma).whistle.findUnique({ where: { id }, include: { summons: true } });
      return row && toWhistle(row);
    },

    async whistlesByIds(ids: readonly string[]): Promise<WhistleRecord[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.whistle.findMany({ where: { id: { in: valid } }, include: { summons: true } })).map(toWhistle);
    },

    /** The whistles of a batch of cases, oldest first. */
    async whistlesByComplaints(complaintIds: readonly string[]): Promise<WhistleRecord[]> {
      const rows = await prisma.whistle.findMany({
        where: { complaintId: { in: [...complaintIds] } },
        include: { summons: true },
        orderBy: [{ blownAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toWhistle);
    },

    async idempotentResult(actor: string, key: string): Promise<{ operation: string; result: unknown } | null> {
      return prisma.idempotencyKey.findUnique({ where: { actor_key: { actor, key } }, select: { operation: true, result: true } });
    },

    /** Stored in the command's own transaction. False when an attempt under the same key was stored first. */
    async saveIdempotentResult(
      tx: DispatchTx,
      entry: { actor: string; key: string; operation: string; result: unknown; createdAt: Date },
    ): Promise<boolean> {
      const { count } = await tx.idempotencyKey.createMany({
        data: [{ ...entry, result: entry.result as Prisma.InputJsonValue }],
        skipDuplicates: true,
      });
      return count === 1;
    },

    async casesByIds(ids: readonly string[]): Promise<CaseRecord[]> {
      return (await prisma.complaintCase.findMany({ where: { complaintId: { in: [...ids] } } })).map(toCase);
    },

    async workOrdersByIds(ids: readonly string[]): Promise<WorkOrderRecord[]> {
      // Ids are UUIDs; anything else names no order, and must not reach the uuid column as a cast error.
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return (await prisma.workOrder.findMany({ where: { id: { in: valid } } })).map(toWorkOrder);
    },

    async workOrdersByComplaints(complaintIds: readonly string[]): Promise<WorkOrderRecord[]> {
      const rows = await prisma.workOrder.findMany({
        where: { complaintId: { in: [...complaintIds] } },
        orderBy: [{ dispatchedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toWorkOrder);
    },

    async listWorkOrders(q: WorkOrderQuery): Promise<{ rows: WorkOrderRecord[]; total: number }> {
      const base = orderWhere(q);
      const past = q.ascending ? 'gt' : 'lt';
      const direction = q.ascending ? 'asc' : 'desc';
      const page: Prisma.WorkOrderWhereInput = q.after
        ? {
            AND: [
              base,
              {
                OR: [
                  { dispatchedAt: { [past]: q.after.dispatchedAt } },
                  { dispatchedAt: q.after.dispatchedAt, id: { [past]: q.after.id } },
                ],
              },
            ],
          }
        : base;
      const [rows, total] = await Promise.all([
        prisma.workOrder.findMany({ where: page, orderBy: [{ dispatchedAt: direction }, { id: direction }], take: q.limit }),
        prisma.workOrder.count({ where: base }),
      ]);
      return { rows: rows.map(toWorkOrder), total };
    },

    async seedUnits(units: UnitRecord[]): Promise<number> {
      const { count } = await prisma.unit.createMany({ data: units, skipDuplicates: true });
      return count;
    },

    async seedRules(rules: ResponsibilityRuleRecord[]): Promise<number> {
      const { count } = await prisma.responsibilityRule.createMany({ data: rules, skipDuplicates: true });
      return count;
    },
  };
}
export type DispatchStore = ReturnType<typeof createDispatchStore>;
