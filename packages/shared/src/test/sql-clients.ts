import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { DriverAdapter, SqlExecutor, TransactionalClient } from '../db/database';

/*
 * Platform code (outbox, inbox, consumer, migrations) needs only raw SQL and transactions. These
 * clients give it exactly that over a bare driver, so the platform's own tests run on real
 * PGlite and PostgreSQL without a generated Prisma client.
 */

function pgliteExecutor(db: PGlite | Transaction): SqlExecutor {
  return {
    async $executeRawUnsafe(query, ...values) {
      return (await db.query(query, values)).affectedRows ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await db.query(query, values)).rows as T;
    },
  };
}

/** A TransactionalClient over PGlite; PGlite runs one transaction at a time, as its Prisma adapter does. */
export function pgliteClient(db: PGlite): TransactionalClient {
  return {
    ...pgliteExecutor(db),
    $transaction: (fn) => db.transaction((tx) => fn(pgliteExecutor(tx))),
    async $disconnect() {},
  };
}

function pgExecutor(db: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async $executeRawUnsafe(query, ...values) {
      return (await db.query(query, values)).rowCount ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await db.query(query, values)).rows as T;
    },
  };
}

/** A TransactionalClient over a node-postgres pool: each transaction on a connection of its own, READ COMMITTED like Prisma's. */
export function pgPoolClient(pool: pg.Pool): TransactionalClient {
  return {
    ...pgExecutor(pool),
    async $transaction(fn) {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await fn(pgExecutor(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    async $disconnect() {},
  };
}

/**
 * The client for openDatabase's `createClient`: reaches the driver behind Prisma's adapter. The
 * adapters keep it in a field of theirs (`client` for PGlite, `externalPool` for PostgreSQL), which
 * is fine for tests and nothing else.
 */
export function clientOverAdapter(adapter: DriverAdapter): TransactionalClient {
  const driver = adapter as unknown as { client?: PGlite; externalPool?: pg.Pool };
  if (driver.externalPool) return pgPoolClient(driver.externalPool);
  if (driver.client) return pgliteClient(driver.client);
  throw new Error(`no driver found behind the ${adapter.adapterName} adapter`);
}
