import { mintUserToken, type Role } from '@hotline/shared';

// The development signing settings, as the gateway uses them when JWT_SECRET is not set.
const JWT_SECRET = 'hotline-development-secret-change-me';
const JWT_ISSUER = 'hotline-12345';

export interface GraphError {
  message: string;
  extensions?: { code?: string };
}

/** Codes that mean "the system refused this command in this state": a random sequence meets them often, and they are fine. */
const REFUSALS = new Set(['CONFLICT', 'BAD_USER_INPUT', 'NOT_FOUND']);

/** An answer the graph should never give to a well-formed command: an internal error, or a refusal of a caller who may act. */
export class UnexpectedAnswer extends Error {}

/** The graph at the gateway, called with a token per role (and unit, for handlers). */
export class Graph {
  private readonly tokens = new Map<string, Promise<string>>();
  /** Mutations the system carried out and refused, by field, for the run's summary. */
  readonly tally = new Map<string, { done: number; refused: number }>();

  constructor(readonly url: string) {}

  token(role: Role, unit?: string): Promise<string> {
    const key = `${role}/${unit ?? ''}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = mintUserToken(
        { sub: `model-${role}${unit ? `-${unit}` : ''}`, roles: [role], district: '110199', ...(unit ? { unit } : {}) },
        JWT_SECRET,
        JWT_ISSUER,
      );
      this.tokens.set(key, token);
    }
    return token;
  }

  /** Runs an operation; returns its data, or null when the system refused it with a refusal code. Anything else throws. */
  async run<D = Record<string, any>>(role: Role, query: string, variables: Record<string, unknown> = {}, unit?: string): Promise<D | null> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.token(role, unit)}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: D | null; errors?: GraphError[] };
    const mutation = /^\s*mutation[^{]*\{\s*(\w+)/.exec(query)?.[1];
    const count = mutation ? (this.tally.get(mutation) ?? { done: 0, refused: 0 }) : null;
    if (mutation && count) this.tally.set(mutation, count);
    if (body.errors?.length) {
      if (body.errors.every((e) => REFUSALS.has(e.extensions?.code ?? ''))) {
        if (count) count.refused++;
        return null;
      }
      throw new UnexpectedAnswer(
        `${role}: ${body.errors.map((e) => `${e.extensions?.code ?? '?'} ${e.message}`).join('; ')} — ${query.slice(0, 80)}`,
      );
    }
    if (count) count.done++;
    return body.data ?? null;
  }

  /** What the mutations did so far: `field done/refused`, most used first. */
  summary(): string {
    return [...this.tally]
      .sort(([, a], [, b]) => b.done + b.refused - a.done - a.refused)
      .map(([field, c]) => `${field} ${c.done}/${c.refused}`)
      .join(', ');
  }

  /** Like run, but a refusal is an error too (reads, and commands that must succeed). */
  async read<D = Record<string, any>>(role: Role, query: string, variables: Record<string, unknown> = {}, unit?: string): Promise<D> {
    const data = await this.run<D>(role, query, variables, unit);
    if (!data) throw new UnexpectedAnswer(`${role} was refused: ${query.slice(0, 80)}`);
    return data;
  }
}
