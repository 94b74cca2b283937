import { GraphQLError } from 'graphql';
import { SignJWT } from 'jose';
import { hasRole, mintUserToken, requireDistrict, requireRole, signCaller, verifyCaller, verifyUserToken, type Caller } from './caller';

const SECRET = 'caller-secret-for-tests-0123456789';
const USER_SECRET = 'user-token-secret-for-tests-0123456789';
const ISSUER = 'https://id.city.example';

const dispatcher: Caller = { sub: 'd-1', roles: ['dispatcher'], district: '110199' };
const handler: Caller = { sub: 'h-1', roles: ['handler'], district: '110199', unit: 'unit-110199-001', name: '王五' };

/** The GraphQL error code a promise or function fails with. */
async function codeOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions.code;
  }
  throw new Error('expected an error, nothing was thrown');
}

const sign = (payload: Record<string, unknown>, secret: string, build: (jwt: SignJWT) => SignJWT) =>
  build(new SignJWT(payload).setProtectedHeader({ alg: 'HS256' })).sign(new TextEncoder().encode(secret));

describe('the gateway’s signed caller header', () => {
  it('given a caller signed by the gateway, when a subgraph verifies it, then the same caller comes back', async () => {
    expect(await verifyCaller(await signCaller(handler, SECRET), SECRET)).toEqual(handler);
  });

  it('given nobody (a public request) signed by the gateway, then the subgraph sees nobody', async () => {
    expect(await verifyCaller(await signCaller(null, SECRET), SECRET)).toBeNull();
  });

  it('given no header, then the request did not come through the gateway: FORBIDDEN', async () => {
    expect(await codeOf(() => verifyCaller(undefined, SECRET))).toBe('FORBIDDEN');
    expect(await codeOf(() => verifyCaller('', SECRET))).toBe('FORBIDDEN');
  });

  it('given a header signed with another secret, then FORBIDDEN', async () => {
    expect(await codeOf(async () => verifyCaller(await signCaller(dispatcher, 'someone-elses-secret-0123456789'), SECRET))).toBe(
      'FORBIDDEN',
    );
  });

  it('given a header whose payload was tampered with, then FORBIDDEN', async () => {
    const [header, , signature] = (await signCaller(dispatcher, SECRET)).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        caller: { ...dispatcher, roles: ['admin'] },
        iss: 'hotline-gateway',
        aud: 'hotline-subgraphs',
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url');

    expect(await codeOf(() => verifyCaller(`${header}.${forged}.${signature}`, SECRET))).toBe('FORBIDDEN');
  });

  it('given an expired header, then FORBIDDEN', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await sign({ caller: dispatcher }, SECRET, (jwt) =>
      jwt
        .setIssuer('hotline-gateway')
        .setAudience('hotline-subgraphs')
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60),
    );

    expect(await codeOf(() => verifyCaller(expired, SECRET))).toBe('FORBIDDEN');
  });

  it('given a header for another audience, then FORBIDDEN even with the right secret', async () => {
    const token = await sign({ caller: dispatcher }, SECRET, (jwt) =>
      jwt.setIssuer('hotline-gateway').setAudience('somewhere-else').setExpirationTime('60s'),
    );

    expect(await codeOf(() => verifyCaller(token, SECRET))).toBe('FORBIDDEN');
  });

  it('given a validly signed header whose caller breaks the schema, then FORBIDDEN', async () => {
    const token = await sign({ caller: { ...dispatcher, roles: ['emperor'] } }, SECRET, (jwt) =>
      jwt.setIssuer('hotline-gateway').setAudience('hotline-subgraphs').setExpirationTime('60s'),
    );

    expect(await codeOf(() => verifyCaller(token, SECRET))).toBe('FORBIDDEN');
  });
});

describe('end-user tokens', () => {
  it('given a minted token, when verified with the same secret and issuer, then the caller comes back without JWT bookkeeping', async () => {
    const token = await mintUserToken(handler, USER_SECRET, ISSUER);

    expect(await verifyUserToken(token, USER_SECRET, ISSUER)).toEqual(handler);
  });

  it('given a token without unit or name, then the caller has neither', async () => {
    const caller = await verifyUserToken(await mintUserToken(dispatcher, USER_SECRET, ISSUER), USER_SECRET, ISSUER);

    expect(caller).toEqual(dispatcher);
    expect('unit' in caller).toBe(false);
  });

  it('given a token signed with another secret, then UNAUTHENTICATED', async () => {
    const token = await mintUserToken(dispatcher, 'another-secret-0123456789abcdef', ISSUER);

    expect(await codeOf(() => verifyUserToken(token, USER_SECRET, ISSUER))).toBe('UNAUTHENTICATED');
  });

  it('given a token from another issuer, then UNAUTHENTICATED', async () => {
    const token = await mintUserToken(dispatcher, USER_SECRET, 'https://elsewhere.example');

    expect(await codeOf(() => verifyUserToken(token, USER_SECRET, ISSUER))).toBe('UNAUTHENTICATED');
  });

  it('given an expired token, then UNAUTHENTICATED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ roles: ['agent'], district: '110199' }, USER_SECRET, (jwt) =>
      jwt
        .setSubject('a-1')
        .setIssuer(ISSUER)
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600),
    );

    expect(await codeOf(() => verifyUserToken(token, USER_SECRET, ISSUER))).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['no roles', { roles: [], district: '110199' }],
    ['an unknown role', { roles: ['emperor'], district: '110199' }],
    ['no district', { roles: ['agent'] }],
    // A blank unit would pass here and only fail at the subgraph, as a confusing "not through the gateway".
    ['an empty unit', { roles: ['handler'], district: '110199', unit: '' }],
  ])('given a well-signed token with %s, then UNAUTHENTICATED', async (_, claims) => {
    const token = await sign(claims, USER_SECRET, (jwt) => jwt.setSubject('u-1').setIssuer(ISSUER).setExpirationTime('1h'));

    expect(await codeOf(() => verifyUserToken(token, USER_SECRET, ISSUER))).toBe('UNAUTHENTICATED');
  });

  it('given garbage instead of a token, then UNAUTHENTICATED', async () => {
    expect(await codeOf(() => verifyUserToken('not.a.token', USER_SECRET, ISSUER))).toBe('UNAUTHENTICATED');
  });
});

describe('roles and districts', () => {
  it('given nobody, then requireRole is UNAUTHENTICATED', async () => {
    expect(await codeOf(() => requireRole(null, 'dispatcher'))).toBe('UNAUTHENTICATED');
  });

  it('given a caller without any of the roles, then requireRole is FORBIDDEN naming the roles needed', () => {
    expect(() => requireRole(handler, 'dispatcher', 'admin')).toThrow('this needs one of the roles: dispatcher, admin');
  });

  it('given a caller with one of the roles, then requireRole hands the caller back', () => {
    const both: Caller = { ...dispatcher, roles: ['agent', 'dispatcher'] };
    expect(requireRole(both, 'admin', 'dispatcher')).toBe(both);
  });

  it('given nobody or the wrong roles, then hasRole is false; with one of them, true', () => {
    expect(hasRole(null, 'dispatcher')).toBe(false);
    expect(hasRole(handler, 'dispatcher')).toBe(false);
    expect(hasRole(handler, 'dispatcher', 'handler')).toBe(true);
  });

  it('given a caller of another district, then requireDistrict is FORBIDDEN unless the caller is city-level', async () => {
    expect(() => requireDistrict(dispatcher, '110199')).not.toThrow();
    expect(await codeOf(() => requireDistrict(dispatcher, '110105'))).toBe('FORBIDDEN');
    expect(() => requireDistrict({ ...dispatcher, roles: ['analyst', 'city'] }, '110105')).not.toThrow();
  });
});
