import { createHash } from 'node:crypto';
import { z } from 'zod';
import { roles, type Caller } from '@hotline/shared';

/**
 * Open311's settings, in the gateway's environment: OPEN311_API_KEYS lists `key=role:district` pairs,
 * comma-separated (e.g. `k1=agent:110199,k2=citizen:110199`); OPEN311_DISTRICT is whose requests anonymous
 * GETs list. Without keys, every POST is refused (403) while the public reads still work.
 */
export const open311Environment = z.object({
  OPEN311_API_KEYS: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const keys = new Map<string, Caller>();
      for (const pair of raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const match = /^([^=\s]{8,})=([a-z]+):(\d{6})$/.exec(pair);
        const role = match?.[2] as (typeof roles)[number] | undefined;
        if (!match || !role || !roles.includes(role)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair.slice(0, 4)}…" must be key=role:district with a key of 8+ characters, a known role and a 6-digit district`,
          });
          return z.NEVER;
        }
        // The caller's id names the key by a hash prefix, so logs and records never hold the key itself.
        keys.set(match[1]!, {
          sub: `open311:${createHash('sha256').update(match[1]!).digest('hex').slice(0, 12)}`,
          roles: [role],
          district: match[3]!,
        });
      }
      return keys;
    }),
  OPEN311_DISTRICT: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit district code')
    .default('110199'),
});
export type Open311Config = z.infer<typeof open311Environment>;

/**
 * Who an anonymous GET reads as: a reader of the district. Only the fields the GeoReport spec defines
 * are returned, none of them personal, so the reader's wider view never reaches the client.
 */
export const publicReader = (district: string): Caller => ({ sub: 'open311:public', roles: ['analyst'], district });
