import { createServer } from 'node:net';
import pino from 'pino';
import { CALLER_HEADER, signCaller, type Caller, type Role } from '../caller';

/** Helpers for tests across the workspace; not used by production code. */

export const TEST_CALLER_SECRET = 'test-caller-secret-0123456789';

export const silentLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function testCaller(role: Role, overrides: Partial<Caller> = {}): Caller {
  return { sub: `${role}-1`, roles: [role], district: '110199', ...overrides };
}

export interface GraphQLResponse<D = Record<string, any>> {
  status: number;
  data?: D | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

/** POSTs an operation; `caller` signs the gateway's header (as the gateway would) unless headers are given. */
export async function postGraphQL<D = Record<string, any>>(
  url: string,
  operation: { query: string; variables?: Record<string, unknown> },
  options: { caller?: Caller | null; secret?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<D>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  if (options.caller !== undefined) headers[CALLER_HEADER] = await signCaller(options.caller, options.secret ?? TEST_CALLER_SECRET);
  const response = await fetch(`${url.replace(/\/$/, '')}/graphql`, { method: 'POST', headers, body: JSON.stringify(operation) });
  const body = (await response.json()) as Omit<GraphQLResponse<D>, 'status'>;
  return { status: response.status, ...body };
}

/** Waits until `condition` returns a truthy value (and returns it); fails with `what` after the timeout. Never a fixed sleep. */
export async function waitFor<T>(
  condition: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** A free TCP port on the loopback interface, as the kernel hands it out (nothing listens on it once returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
