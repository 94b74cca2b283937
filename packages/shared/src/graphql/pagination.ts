import { z } from 'zod';
import { badInput } from '../errors';

/** Relay-style page arguments; `first` is bounded so no client can ask for the whole table. */
export const pageArgs = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(20),
  after: z.string().nullish(),
});
export type PageArgs = z.infer<typeof pageArgs>;

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: number;
}

/** Cursors are opaque to clients: base64url of the sort key of the last row seen. */
export const encodeCursor = (key: unknown[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string | null | undefined): unknown[] | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key)) return key;
  } catch {
    // fall through to the error below
  }
  throw badInput('after', 'is not a cursor from this list');
}

/** Builds a page from rows fetched with `first + 1`: the extra row only tells that there is a next page. */
export function toConnection<T>(
  rows: T[],
  first: number,
  keyOf: (row: T) => unknown[],
  totalCount: number,
): Connection<T> & { totalCount: number };
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => unknown[]): Connection<T>;
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => unknown[], totalCount?: number): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    ...(totalCount === undefined ? {} : { totalCount }),
  };
}
