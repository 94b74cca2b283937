import { GraphQLError } from 'graphql';
import { parseInput } from '../errors';
import { decodeCursor, encodeCursor, pageArgs, toConnection } from './pagination';

interface Row {
  id: string;
  receivedAt: string;
}
const rows: Row[] = Array.from({ length: 5 }, (_, i) => ({ id: `c-${i}`, receivedAt: `2026-03-0${i + 1}T08:00:00.000Z` }));
const keyOf = (row: Row) => [row.receivedAt, row.id];

function errorOf(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a GraphQLError, nothing was thrown');
}

describe('cursors', () => {
  it('given a sort key, when encoded and decoded, then the same key comes back', () => {
    const key = ['2026-03-01T08:00:00.000Z', 'c-1', 42, null, '安华街道'];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('given a cursor, then it is URL-safe and says nothing readable at a glance', () => {
    expect(encodeCursor(['2026-03-01T08:00:00.000Z', 'c/1+2'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('given no cursor, then there is no position', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor(null)).toBeNull();
  });

  it.each([
    ['garbage', '%%%not-a-cursor'],
    ['base64 of plain text', Buffer.from('hello').toString('base64url')],
    ['base64 of a JSON object', Buffer.from('{"id":"c-1"}').toString('base64url')],
  ])('given %s, then BAD_USER_INPUT naming "after"', (_, cursor) => {
    const error = errorOf(() => decodeCursor(cursor));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('toConnection', () => {
  it('given first + 1 rows, then the page has first rows and says there is a next page, ending at the last row shown', () => {
    const page = toConnection(rows.slice(0, 3), 2, keyOf);

    expect(page.edges.map((e) => e.node.id)).toEqual(['c-0', 'c-1']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual(keyOf(rows[1]!));
    expect(page.edges.map((e) => decodeCursor(e.cursor))).toEqual([keyOf(rows[0]!), keyOf(rows[1]!)]);
  });

  it('given exactly first rows, then there is no next page', () => {
    expect(toConnection(rows.slice(0, 2), 2, keyOf).pageInfo.hasNextPage).toBe(false);
  });

  it('given no rows, then the page is empty with no end cursor', () => {
    expect(toConnection([], 20, keyOf)).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('given a total count, then the connection carries it; without one, it has no totalCount field', () => {
    expect(toConnection(rows, 10, keyOf, 42).totalCount).toBe(42);
    expect('totalCount' in toConnection(rows, 10, keyOf)).toBe(false);
  });
});

describe('pageArgs', () => {
  it('given nothing, then the first page of 20', () => {
    expect(parseInput(pageArgs, {})).toEqual({ first: 20 });
  });

  it.each([
    [0, 'must be at least 1'],
    [201, 'must be at most 200'],
  ])('given first = %s, then BAD_USER_INPUT naming "first"', (first, message) => {
    const error = errorOf(() => parseInput(pageArgs, { first }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(error.message).toBe(`first: ${message}`);
  });
});
