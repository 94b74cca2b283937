import { batchLoader, groupLoader, type SubgraphContext, type RequestCaller } from '@hotline/shared';
import type { IntakeManager } from './use-cases/intake-manager';
import type { IntakeStore } from './store/intake-store';
import type { RegionMap } from './domain/regions';

/** Per request: the caller, the use cases, and DataLoaders so no field queries per row. */
export interface IntakeContext extends SubgraphContext {
  intake: IntakeManager;
  regions: RegionMap;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(store: IntakeStore) {
  return {
    complaint: batchLoader(
      (ids) => store.complaintsByIds(ids),
      (c) => c.id,
    ),
    mergedInto: groupLoader(
      (ids) => store.mergedInto(ids),
      (c) => c.mergedIntoId ?? '',
    ),
    complainant: batchLoader(
      (ids) => store.complainantsByIds(ids),
      (c) => c.id,
    ),
    complaintCount: batchLoader(
      (ids) => store.complaintCountsByComplainants(ids),
      (c) => c.complainantId,
    ),
    knowledge: batchLoader(
      (ids) => store.knowledgeByIds(ids),
      (a) => a.id,
    ),
    category: batchLoader(
      (ids) => store.categoriesByIds(ids),
      (c) => c.id,
    ),
    categoryChildren: groupLoader(
      (ids) => store.categoriesByParents(ids),
      (c) => c.parentId ?? '',
    ),
  };
}

export const createContextFactory =
  (intake: IntakeManager, store: IntakeStore, regions: () => RegionMap) =>
  (caller: RequestCaller): IntakeContext => ({ caller, intake, regions: regions(), loaders: createLoaders(store) });
