import { z } from 'zod';

export interface CategoryRecord {
  id: string;
  name: string;
  parentId: string | null;
  position: number;
}

/**
 * A category and everything below it, by the parent links. Ids start as dotted paths, but an admin may
 * move a category, so the tree, not the id's prefix, says what lies below.
 */
export function categoryDescendants(all: readonly CategoryRecord[], id: string): string[] {
  const ids = [id];
  for (let i = 0; i < ids.length; i++) for (const c of all) if (c.parentId === ids[i]) ids.push(c.id);
  return ids;
}

/** The taxonomy is two or three levels deep. */
export const MAX_CATEGORY_DEPTH = 3;

const depthOf = (all: readonly CategoryRecord[], id: string | null): number => {
  let depth = 0;
  for (let c = all.find((x) => x.id === id); c; c = all.find((x) => x.id === c!.parentId)) depth++;
  return depth;
};
const heightOf = (all: readonly CategoryRecord[], id: string): number =>
  1 + Math.max(0, ...all.filter((c) => c.parentId === id).map((c) => heightOf(all, c.id)));

/** Why a category cannot move under `parentId`, or null when it can. */
export function validateMove(all: readonly CategoryRecord[], id: string, parentId: string | null): string | null {
  if (parentId === null) return null;
  if (!all.some((c) => c.id === parentId)) return `unknown category "${parentId}"`;
  if (categoryDescendants(all, id).includes(parentId)) return 'a category cannot move under itself or one of its sub-categories';
  if (depthOf(all, parentId) + heightOf(all, id) > MAX_CATEGORY_DEPTH)
    return `the taxonomy may be at most ${MAX_CATEGORY_DEPTH} levels deep`;
  return null;
}

export const newCategoryInput = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+){0,2}$/, 'must be a dotted id of lower-case letters, digits and hyphens, at most 3 parts'),
  name: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'),
  parentId: z
    .string()
    .trim()
    .min(1)
    .nullish()
    .transform((x) => x ?? null),
});
