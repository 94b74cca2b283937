import { GraphQLError } from 'graphql';
import type { z } from 'zod';

/** The codes a client can act on. Anything else is an internal fault and is never detailed. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';

export function appError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const badInput = (field: string, message: string) => appError('BAD_USER_INPUT', `${field}: ${message}`, { field });
export const unauthenticated = (message = 'a valid token is required') => appError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => appError('FORBIDDEN', message);
export const notFound = (what: string, id: string) => appError('NOT_FOUND', `${what} ${id} does not exist`, { id });
export const conflict = (message: string, extensions: Record<string, unknown> = {}) => appError('CONFLICT', message, extensions);

/** Turns the first zod issue into a BAD_USER_INPUT that names the offending field by its path. */
export function badInputFromZod(error: z.ZodError, prefix?: string): GraphQLError {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  const problems = error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));
  return appError('BAD_USER_INPUT', `${path || 'input'}: ${issue?.message ?? 'invalid'}`, { field: path || 'input', problems });
}

/** Parses input with a zod schema, or throws BAD_USER_INPUT naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw badInputFromZod(result.error, prefix);
  return result.data;
}

const clientCodes = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** True when the error is one a client caused and may see as it is. */
export const isClientError = (code: unknown): boolean => typeof code === 'string' && clientCodes.has(code);
