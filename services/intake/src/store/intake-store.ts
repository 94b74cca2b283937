import type { Polygon, MultiPolygon } from 'geojson';
import { z } from 'zod';
import { REQUEST_TRANSACTION } from '@hotline/shared';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import type { ComplaintRecord } from '../domain/complaint';
import type { CategoryRecord } from '../domain/categories';
import type { RegionLevel, RegionRecord } from '../domain/regions';
import type { ComplainantRecord } from '../domain/complainant';
import type { KnowledgeArticleRecord } from '../domain/knowledge';
import { channelDetails } from '../domain/channels';

export { PrismaClient };
export type IntakeTx = Prisma.TransactionClient;

/** Only filters the store understands; the use case has already checked them. */
export interface ComplaintQuery {
  district: string;
  channel?: string | null;
  urgency?: string | null;
  /** Any of these categories (a category and everything below it). */
  categoryIds?: string[] | null;
  /** Any of these regions (a region and everything below it). */
  regionIds?: string[] | null;
  receivedFrom?: Date | null;
  receivedTo?: Date | null;
  /** Only open complaints that no region holds yet: the manual placement queue. */
  unplaced?: boolean;
  /** Every one of these tokens must be in the complaint's search column. */
  searchTokens?: string[] | null;
  /** Keyset: rows strictly older than this (receivedAt, id). */
  before?: { receivedAt: Date; id: string } | null;
  limit: number;
}

const toComplaint = (row: Prisma.ComplaintGetPayload<object>): ComplaintRecord => {
  // A stored details object that no longer parses is shown as absent rather than failing the whole read.
  const details = row.channelDetails === null ? null : channelDetails.safeParse(row.channelDetails);
  return { ...row, channelDetails: details?.success ? details.data : null } as ComplaintRecord;
};
const toRegion = (row: Prisma.RegionGetPayload<object>): RegionRecord => ({
  ...row,
  level: row.level as RegionLevel,
  areaType: row.areaType as RegionRecord['areaType'],
  boundary: (row.boundary ?? null) as Polygon | MultiPolygon | null,
});
const toData = (c: Partial<ComplaintRecord>) =>
  ({
    ...c,
    channelDetails: c.channelDetails === undefined ? undefined : ((c.channelDetails ?? null) as Prisma.InputJsonValue),
  }) as Prisma.ComplaintUncheckedCreateInput;
const idRow = z.object({ id: z.string() });

/** Intake's SQL, and nothing else: no rules here. */
export function createIntakeStore(prisma: PrismaClient) {
  /** Full-text matches: the 'simple' tsvector of the token column, so each Chinese token matches as written. */
  async function matchingIds(q: ComplaintQuery): Promise<string[]> {
    const query = q.searchTokens!.join(' & ');
    const rows =
      await prisma.$queryRaw`SELECT id::text AS id FROM complaint WHERE district = ${q.district} AND to_tsvector('simple', search_text) @@ to_tsquery('simple', ${query})`;
    return z
      .array(idRow)
      .parse(rows)
      .map((r) => r.id);
  }
  async function where(q: ComplaintQuery): Promise<Prisma.ComplaintWhereInput> {
    const and: Prisma.ComplaintWhereInput[] = [{ district: q.district }];
    if (q.channel) and.push({ channel: q.channel });
    if (q.urgency) and.push({ urgency: q.urgency });
    if (q.categoryIds) and.push({ categoryId: { in: q.categoryIds } });
    if (q.regionIds)
      and.push({ OR: [{ streetId: { in: q.regionIds } }, { communityId: { in: q.regionIds } }, { gridId: { in: q.regionIds } }] });
    if (q.receivedFrom) and.push({ receivedAt: { gte: q.receivedFrom } });
    if (q.receivedTo) and.push({ receivedAt: { lt: q.receivedTo } });
    if (q.unplaced) and.push({ streetId: null, status: 'RECEIVED', mergedIntoId: null });
    if (q.searchTokens) and.push({ id: { in: await matchingIds(q) } });
    return { AND: and };
  }
  return {
    transaction: <T>(fn: (tx: IntakeTx) => Promise<T>) => prisma.$transaction(fn, REQUEST_TRANSACTION),
    async insertComplaint(tx: IntakeTx, complaint: ComplaintRecord): Promise<void> {
      await tx.complaint.create({ data: toData(complaint) });
    },
    /**
     * Changes a complaint only while `guard` still holds, so a concurrent dispatch, merge or close
     * cannot be overwritten; false when it no longer held.
     */
    async updateComplaintIf(tx: IntakeTx, id: string, guard: Prisma.ComplaintWhereInput, data: Partial<ComplaintRecord>): Promise<boolean> {
      const { count } = await tx.complaint.updateMany({
        where: { AND: [{ id }, guard] },
        data: toData(data) as Prisma.ComplaintUpdateManyMutationInput,
      });
      return count === 1;
    },
    async complaintsByIds(ids: readonly string[]): Promise<ComplaintRecord[]> {
      const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
      return (await prisma.complaint.findMany({ where: { id: { in: uuids } } })).map(toComplaint);
    },
    /** A case and every report merged into it. */
    async caseGroup(tx: IntakeTx, caseId: string): Promise<ComplaintRecord[]> {
      return (
        await tx.complaint.findMany({ where: { OR: [{ id: caseId }, { mergedIntoId: caseId }] }, orderBy: { receivedAt: 'asc' } })
      ).map(toComplaint);
    },
    async mergedIntoCount(tx: IntakeTx, caseId: string): Promise<number> {
      return tx.complaint.count({ where: { mergedIntoId: caseId } });
    },
    async mergedInto(caseIds: readonly string[]): Promise<ComplaintRecord[]> {
      return (await prisma.complaint.findMany({ where: { mergedIntoId: { in: [...caseIds] } }, orderBy: { receivedAt: 'asc' } })).map(
        toComplaint,
      );
    },
    /** Reports of one district and top-level category received in [from, to): the pool duplicates are sought in. */
    async duplicatePool(district: string, categoryIds: string[], from: Date, to: Date, limit = 500): Promise<ComplaintRecord[]> {
      return (
        await prisma.complaint.findMany({
          where: { district, categoryId: { in: categoryIds }, receivedAt: { gte: from, lt: to }, status: 'RECEIVED' },
          orderBy: { receivedAt: 'desc' },
          take: limit,
        })
      ).map(toComplaint);
    },
    async listComplaints(q: ComplaintQuery): Promise<{ rows: ComplaintRecord[]; total: number }> {
      const base = await where(q);
      const page: Prisma.ComplaintWhereInput = q.before
        ? {
            AND: [
              base,
              { OR: [{ receivedAt: { lt: q.before.receivedAt } }, { receivedAt: q.before.receivedAt, id: { lt: q.before.id } }] },
            ],
          }
        : base;
      const [rows, total] = await Promise.all([
        prisma.complaint.findMany({ where: page, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], take: q.limit }),
        prisma.complaint.count({ where: base }),
      ]);
      return { rows: rows.map(toComplaint), total };
    },
    async markDispatched(tx: IntakeTx, complaintId: string, at: Date): Promise<void> {
      // The first dispatch counts; a later one (re-routing) leaves the instant as it was.
      await tx.complaint.updateMany({ where: { id: complaintId, dispatchedAt: null }, data: { dispatchedAt: at } });
    },

    async complainantByPhoneHash(tx: IntakeTx, district: string, hash: string): Promise<ComplainantRecord | null> {
      return tx.complainant.findUnique({ where: { district_phoneHash: { district, phoneHash: hash } } });
    },
    async insertComplainant(tx: IntakeTx, complainant: ComplainantRecord): Promise<void> {
      await tx.complainant.create({ data: complainant });
    },
    async renameComplainant(tx: IntakeTx, id: string, name: string): Promise<void> {
      await tx.complainant.update({ where: { id }, data: { name } });
    },
    async complainantsByIds(ids: readonly string[]): Promise<ComplainantRecord[]> {
      return prisma.complainant.findMany({ where: { id: { in: [...ids] } } });
    },
    async complaintCountsByComplainants(ids: readonly string[]): Promise<Array<{ complainantId: string; count: number }>> {
      const groups = await prisma.complaint.groupBy({
        by: ['complainantId'],
        where: { complainantId: { in: [...ids] } },
        _count: { _all: true },
      });
      return groups.map((g) => ({ complainantId: g.complainantId!, count: g._count._all }));
    },

    async allKnowledge(): Promise<KnowledgeArticleRecord[]> {
      return prisma.knowledgeArticle.findMany({ orderBy: { id: 'asc' } });
    },
    async knowledgeByIds(ids: readonly string[]): Promise<KnowledgeArticleRecord[]> {
      return prisma.knowledgeArticle.findMany({ where: { id: { in: [...ids] } } });
    },
    async seedKnowledge(articles: KnowledgeArticleRecord[]): Promise<number> {
      const { count } = await prisma.knowledgeArticle.createMany({ data: articles, skipDuplicates: true });
      return count;
    },

    async categoriesByIds(ids: readonly string[]): Promise<CategoryRecord[]> {
      return prisma.category.findMany({ where: { id: { in: [...ids] } } });
    },
    async categoriesByParents(parentIds: readonly string[]): Promise<CategoryRecord[]> {
      return prisma.category.findMany({ where: { parentId: { in: [...parentIds] } }, orderBy: { position: 'asc' } });
    },
    async topCategories(): Promise<CategoryRecord[]> {
      return prisma.category.findMany({ where: { parentId: null }, orderBy: { position: 'asc' } });
    },
    async allCategories(tx?: IntakeTx): Promise<CategoryRecord[]> {
      return (tx ?? prisma).category.findMany({ orderBy: [{ parentId: 'asc' }, { position: 'asc' }] });
    },
    async insertCategory(tx: IntakeTx, category: CategoryRecord): Promise<void> {
      await tx.category.create({ data: category });
    },
    async updateCategory(
      tx: IntakeTx,
      id: string,
      data: Partial<Pick<CategoryRecord, 'name' | 'parentId' | 'position'>>,
    ): Promise<CategoryRecord> {
      return tx.category.update({ where: { id }, data });
    },
    async countChildren(tx: IntakeTx, parentId: string | null): Promise<number> {
      return tx.category.count({ where: { parentId } });
    },

    async allRegions(): Promise<RegionRecord[]> {
      return (await prisma.region.findMany()).map(toRegion);
    },
    async seedRegions(regions: RegionRecord[]): Promise<number> {
      const { count } = await prisma.region.createMany({
        data: regions.map((r) => ({ ...r, boundary: (r.boundary ?? undefined) as Prisma.InputJsonValue | undefined })),
        skipDuplicates: true,
      });
      return count;
    },
    async seedCategories(categories: CategoryRecord[]): Promise<number> {
      const { count } = await prisma.category.createMany({ data: categories, skipDuplicates: true });
      return count;
    },
  };
}
export type IntakeStore = ReturnType<typeof createIntakeStore>;
