import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { badInput, conflict, forbidden, isClientError, notFound, parseInput, unauthenticated } from './errors';

const complaintInput = z.object({
  title: z.string().trim().min(1, 'must not be empty'),
  complainant: z.object({ contact: z.object({ phone: z.string().regex(/^1\d{10}$/, 'is not a mobile number') }) }),
  tags: z.array(z.string().max(5, 'is too long')).default([]),
});

const valid = { title: '噪音扰民', complainant: { contact: { phone: '13812345678' } } };

function errorOf(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a GraphQLError, nothing was thrown');
}

describe('parseInput', () => {
  it('given valid input, then the parsed value comes back with defaults and transforms applied', () => {
    expect(parseInput(complaintInput, { ...valid, title: '  噪音扰民  ' })).toEqual({ ...valid, tags: [] });
  });

  it('given a bad nested field, then BAD_USER_INPUT names it by its dotted path', () => {
    const error = errorOf(() => parseInput(complaintInput, { ...valid, complainant: { contact: { phone: '123' } } }));

    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'complainant.contact.phone' });
    expect(error.message).toBe('complainant.contact.phone: is not a mobile number');
  });

  it('given a prefix, then the path starts with it', () => {
    const error = errorOf(() => parseInput(complaintInput, { ...valid, title: ' ' }, 'input'));

    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
  });

  it('given a bad array element, then the path names its index', () => {
    const error = errorOf(() => parseInput(complaintInput, { ...valid, tags: ['ok', 'far too long'] }, 'input'));

    expect(error.extensions.field).toBe('input.tags.1');
  });

  it('given several problems, then the first is the message and all are listed as problems', () => {
    const error = errorOf(() => parseInput(complaintInput, { title: '', complainant: { contact: { phone: 'x' } } }, 'input'));

    expect(error.extensions.problems).toEqual([
      { field: 'input.title', message: 'must not be empty' },
      { field: 'input.complainant.contact.phone', message: 'is not a mobile number' },
    ]);
  });

  it('given input that is not even an object, then the field is the prefix, or "input" without one', () => {
    expect(errorOf(() => parseInput(complaintInput, 'hello')).extensions.field).toBe('input');
    expect(errorOf(() => parseInput(complaintInput, null, 'filter')).extensions.field).toBe('filter');
  });
});

describe('error helpers', () => {
  it('given each helper, then it carries the code a client can act on', () => {
    expect(badInput('first', 'must be at least 1').extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(unauthenticated().extensions.code).toBe('UNAUTHENTICATED');
    expect(forbidden('no').extensions.code).toBe('FORBIDDEN');
    expect(notFound('complaint', 'c-1')).toMatchObject({
      message: 'complaint c-1 does not exist',
      extensions: { code: 'NOT_FOUND', id: 'c-1' },
    });
    expect(conflict('already closed', { state: 'CLOSED' }).extensions).toEqual({ code: 'CONFLICT', state: 'CLOSED' });
  });

  it('given a code, then only the codes clients cause are client errors', () => {
    expect(isClientError('BAD_USER_INPUT')).toBe(true);
    expect(isClientError('GRAPHQL_VALIDATION_FAILED')).toBe(true);
    expect(isClientError('INTERNAL_SERVER_ERROR')).toBe(false);
    expect(isClientError(undefined)).toBe(false);
  });
});
