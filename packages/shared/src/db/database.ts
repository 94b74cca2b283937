import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/** The platform's own migrations (outbox, inbox), applied before each service's. */
export const PLATFORM_MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/** What every Prisma client and transaction client offers for raw SQL; enough for platform code. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface TransactionalClient<Tx extends SqlExecutor = SqlExecutor> extends SqlExecutor {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
  $disconnect(): Promise<void>;
}

export type DriverAdapter = PrismaPGlite | PrismaPg;

/**
 * A request's transaction waits for a pooled connection up to 10 s (Prisma's default, 2 s, turned a
 * burst of concurrent submits into internal errors; waiting is the backpressure) and may run 15 s.
 */
export const REQUEST_TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;

/** PGlite's folder for a service under the data folder; `memory://` keeps every service in memory (tests). */
export const pgliteDir = (dataDir: string, service: string): string =>
  dataDir.startsWith('memory://') ? 'memory://' : path.join(dataDir, service);

export interface DatabaseOptions<C> {
  /** postgres://… selects PostgreSQL; without it the service runs on PGlite. */
  url?: string;
  /** PGlite's data folder; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** The service's migrations, in Prisma's layout: <dir>/<timestamp_name>/migration.sql. */
  migrationsDir: string;
  createClient: (adapter: DriverAdapter) => C;
  poolSize?: number;
}

export interface Database<C> {
  kind: 'pglite' | 'postgres';
  client: C;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(dirs: string[]): Migration[] {
  const migrations: Migration[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name, 'migration.sql');
      if (!existsSync(file)) continue;
      const sql = readFileSync(file, 'utf8');
      migrations.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
    }
  }
  return migrations.sort((a, b) => a.name.localeCompare(b.name));
}

/** The few calls migration needs, on either driver. */
interface MigrationConnection {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Applies migrations not yet applied, each in its own transaction, under an advisory lock so that
 * replicas starting together do not race. A changed migration that was already applied is an error:
 * history is never rewritten.
 */
async function migrate(conn: MigrationConnection, migrations: Migration[]): Promise<void> {
  // The lock comes first: two replicas creating the bookkeeping table at once collide even with IF NOT EXISTS.
  await conn.exec(`SELECT pg_advisory_lock(7201234512345)`);
  try {
    await conn.exec(
      `CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const applied = new Map(
      (await conn.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_migrations"`)).map((r) => [
        r.name,
        r.checksum,
      ]),
    );
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum === migration.checksum) continue;
      if (checksum) throw new Error(`migration ${migration.name} was changed after it was applied`);
      await conn
        .exec(
          `BEGIN;\n${migration.sql}\n;INSERT INTO "_migrations" ("name", "checksum") VALUES ('${migration.name.replace(/'/g, "''")}', '${migration.checksum}');\nCOMMIT;`,
        )
        .catch(async (error: unknown) => {
          await conn.exec('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
        });
    }
  } finally {
    await conn.exec(`SELECT pg_advisory_unlock(7201234512345)`);
  }
}

/** Creates the service's database on the server if it is not there yet (a database per service). */
async function ensurePostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        // Created by a replica meanwhile: 42P04 if it was there before we asked, 23505 if both creations raced.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** Opens the service's database, migrated, with its Prisma client on the right driver adapter. */
export async function openDatabase<C extends TransactionalClient>(options: DatabaseOptions<C>): Promise<Database<C>> {
  const migrations = readMigrations([PLATFORM_MIGRATIONS_DIR, options.migrationsDir]);
  if (options.url) {
    await ensurePostgresDatabase(options.url);
    const conn = new pg.Client({ connectionString: options.url });
    await conn.connect();
    try {
      await migrate(
        { exec: async (sql) => void (await conn.query(sql)), query: async (sql, params) => (await conn.query(sql, params)).rows },
        migrations,
      );
    } finally {
      await conn.end();
    }
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server ends (a restart, a failover) is dropped from the pool by pg; without a
    // listener its error would be unhandled and stop the process. The next query opens a fresh connection.
    pool.on('error', () => undefined);
    const client = options.createClient(new PrismaPg(pool));
    return {
      kind: 'postgres',
      client,
      async ping() {
        return pool.query('SELECT 1').then(
          () => true,
          () => false,
        );
      },
      async close() {
        await client.$disconnect();
        await pool.end().catch(() => undefined);
      },
    };
  }
  const pglite = new PGlite(options.dataDir);
  // A refused or failed migration must not leave the database open: on disk PGlite holds its folder.
  await migrate(
    {
      exec: async (sql) => void (await pglite.exec(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
    },
    migrations,
  ).catch(async (error: unknown) => {
    await pglite.close().catch(() => undefined);
    throw error;
  });
  const client = options.createClient(new PrismaPGlite(pglite));
  return {
    kind: 'pglite',
    client,
    async ping() {
      return pglite.query('SELECT 1').then(
        () => true,
        () => false,
      );
    },
    async close() {
      await client.$disconnect();
      await pglite.close();
    },
  };
}
