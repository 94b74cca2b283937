import pg from 'pg';
import { SERVICES, type DistributedSystem, type ServiceName } from './distributed';

/**
 * Direct reads of a distributed deployment's service databases, for tests that count what each
 * service holds. Only tests look behind a service's API like this; services never do.
 */
export interface DatabaseProbe {
  rows<T extends Record<string, unknown>>(service: ServiceName, sql: string, params?: unknown[]): Promise<T[]>;
  /** The single number a query returns, e.g. `SELECT count(*) FROM "work_order"` (PostgreSQL's bigint counts come back as numbers). */
  count(service: ServiceName, sql: string, params?: unknown[]): Promise<number>;
  /** Rows waiting in each service's outbox: zero everywhere once every event has left. */
  outboxes(): Promise<Record<ServiceName, number>>;
  close(): Promise<void>;
}

export function probeDatabases(system: Pick<DistributedSystem, 'databaseUrl'>): DatabaseProbe {
  const pools = new Map<ServiceName, pg.Pool>();
  // Two connections per database: enough for a test's reads, few enough not to crowd the services' own pools.
  const poolOf = (service: ServiceName) => {
    let pool = pools.get(service);
    if (!pool) {
      pool = new pg.Pool({ connectionString: system.databaseUrl(service), max: 2 });
      pools.set(service, pool);
    }
    return pool;
  };

  const probe: DatabaseProbe = {
    async rows<T extends Record<string, unknown>>(service: ServiceName, sql: string, params: unknown[] = []) {
      const result = await poolOf(service).query(sql, params);
      return result.rows as T[];
    },
    async count(service, sql, params = []) {
      const result = await poolOf(service).query({ text: sql, values: params, rowMode: 'array' });
      const value: unknown = result.rows[0]?.[0];
      if (value === undefined || value === null) throw new Error(`no number from ${service}: ${sql}`);
      return Number(value);
    },
    async outboxes() {
      const counts = await Promise.all(SERVICES.map((s) => probe.count(s, `SELECT count(*) FROM "outbox"`)));
      return Object.fromEntries(SERVICES.map((s, i) => [s, counts[i]])) as Record<ServiceName, number>;
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
  return probe;
}
