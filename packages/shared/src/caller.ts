import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { appError, forbidden, unauthenticated } from './errors';

export const roles = ['agent', 'dispatcher', 'handler', 'supervisor', 'analyst', 'admin', 'city', 'citizen'] as const;
export type Role = (typeof roles)[number];

/** Who is asking: taken from the end user's JWT at the gateway, and handed to subgraphs signed. */
export const callerSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(roles)).min(1),
  district: z.string().min(1),
  unit: z.string().min(1).optional(),
  name: z.string().optional(),
});
export type Caller = z.infer<typeof callerSchema>;

/** The gateway's header to subgraphs. A request without it did not come through the gateway. */
export const CALLER_HEADER = 'x-hotline-caller';
const CALLER_AUDIENCE = 'hotline-subgraphs';
const CALLER_ISSUER = 'hotline-gateway';

/** The gateway's context for a request: an authenticated caller, or nobody (public fields only). */
export type RequestCaller = Caller | null;

const key = (secret: string) => new TextEncoder().encode(secret);

/**
 * Signs the caller for subgraphs. Short-lived, so a captured header is of little use, and signed with
 * a secret only the gateway and the subgraphs hold, so a client cannot forge it.
 */
export async function signCaller(caller: RequestCaller, secret: string): Promise<string> {
  return new SignJWT({ caller })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(CALLER_ISSUER)
    .setAudience(CALLER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key(secret));
}

const bypassed = () => appError('FORBIDDEN', 'requests must come through the gateway', { http: { status: 403 } });

export async function verifyCaller(header: string | undefined, secret: string): Promise<RequestCaller> {
  if (!header) throw bypassed();
  try {
    const { payload } = await jwtVerify(header, key(secret), { issuer: CALLER_ISSUER, audience: CALLER_AUDIENCE, algorithms: ['HS256'] });
    if (payload.caller === null) return null;
    return callerSchema.parse(payload.caller);
  } catch {
    throw bypassed();
  }
}

/** End-user tokens: HS256, issued by the city's identity service (or `npm run token` in development). */
export const userTokenClaims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(roles)).min(1),
  district: z.string().min(1),
  // As strict as callerSchema: a claim it would refuse must fail here, as UNAUTHENTICATED, not at the subgraph.
  unit: z.string().min(1).optional(),
  name: z.string().optional(),
});

export async function verifyUserToken(token: string, secret: string, issuer: string): Promise<Caller> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer, algorithms: ['HS256'] });
    return userTokenClaims.parse(payload);
  } catch {
    throw unauthenticated('the token is invalid or expired');
  }
}

export async function mintUserToken(claims: Caller, secret: string, issuer: string, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ roles: claims.roles, district: claims.district, unit: claims.unit, name: claims.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret));
}

export const hasRole = (caller: RequestCaller, ...allowed: Role[]): boolean =>
  caller !== null && caller.roles.some((role) => allowed.includes(role));

/** Throws UNAUTHENTICATED for nobody, FORBIDDEN for a caller without one of the roles. */
export function requireRole(caller: RequestCaller, ...allowed: Role[]): Caller {
  if (caller === null) throw unauthenticated();
  if (!hasRole(caller, ...allowed)) throw forbidden(`this needs one of the roles: ${allowed.join(', ')}`);
  return caller;
}

/** A caller may see records of their own district; city-level callers see every district. */
export function requireDistrict(caller: Caller, district: string): void {
  if (caller.district !== district && !caller.roles.includes('city'))
    throw forbidden(`records of district ${district} are not yours to see`);
}
