import { z } from 'zod';
import { booleanFlag, ConfigError, loadConfig, port } from './config';

const schema = z.object({
  SVC_PORT: port(4001),
  SVC_DATABASE_URL: z.string().startsWith('postgres://', 'must be a postgres:// URL').optional(),
  CALLER_SECRET: z.string().min(16, 'must be at least 16 characters'),
  DEMO_DATA: booleanFlag(false),
});

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the environment was accepted');
}

describe('loadConfig', () => {
  it('given a valid environment, then defaults fill the gaps and strings become typed values', () => {
    expect(loadConfig(schema, { CALLER_SECRET: 'a-secret-of-enough-length', SVC_PORT: '0', DEMO_DATA: 'true', UNRELATED: 'x' })).toEqual({
      SVC_PORT: 0,
      CALLER_SECRET: 'a-secret-of-enough-length',
      DEMO_DATA: true,
    });
  });

  it('given several problems, then every one is listed at once, each naming its variable', () => {
    const error = configErrorOf({ SVC_PORT: '70000', SVC_DATABASE_URL: 'mysql://db', DEMO_DATA: 'yes' });

    expect(error.problems).toHaveLength(4);
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['CALLER_SECRET', 'DEMO_DATA', 'SVC_DATABASE_URL', 'SVC_PORT']);
    expect(error.problems).toContain('SVC_DATABASE_URL: must be a postgres:// URL');
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('given a problem with the whole environment, then it is reported against (root)', () => {
    const error = (() => {
      try {
        loadConfig(
          schema.refine((env) => env.DEMO_DATA === false || env.SVC_DATABASE_URL === undefined, 'demo data is for embedded databases only'),
          {
            CALLER_SECRET: 'a-secret-of-enough-length',
            DEMO_DATA: 'true',
            SVC_DATABASE_URL: 'postgres://db/svc',
          },
        );
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();

    expect(error.problems).toEqual(['(root): demo data is for embedded databases only']);
  });
});

describe('booleanFlag', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    [undefined, true],
  ])('given %s with a fallback of true, then %s', (value, expected) => {
    expect(booleanFlag(true).parse(value)).toBe(expected);
  });

  it('given anything else, then it is refused rather than read as true', () => {
    expect(booleanFlag(false).safeParse('no').success).toBe(false);
  });
});
