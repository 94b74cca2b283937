import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { clientOverAdapter } from '../test/sql-clients';
import { openDatabase, type Database, type TransactionalClient } from './database';

/*
 * openDatabase's PostgreSQL path against a real server. Runs when PG_TESTS is set; the server is
 * DATABASE_URL_TEST or the local one. Each test gets a database with a random name, dropped afterwards.
 */
const maybe = process.env.PG_TESTS ? describe : describe.skip;
const serverUrl = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const databaseUrl = (name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

maybe('openDatabase on PostgreSQL', () => {
  let migrationsDir: string;
  const created: string[] = [];
  const open: Array<Database<TransactionalClient>> = [];

  const freshName = () => {
    const name = `hotline_test_${randomBytes(5).toString('hex')}`;
    created.push(name);
    return name;
  };
  const openIt = async (name: string) => {
    const db = await openDatabase({
      url: databaseUrl(name),
      dataDir: 'memory://',
      migrationsDir,
      createClient: clientOverAdapter,
      poolSize: 2,
    });
    open.push(db);
    return db;
  };
  const writeMigration = (name: string, sql: string) => {
    mkdirSync(path.join(migrationsDir, name), { recursive: true });
    writeFileSync(path.join(migrationsDir, name, 'migration.sql'), sql);
  };
  const applied = async (db: Database<TransactionalClient>) =>
    (await db.client.$queryRawUnsafe<Array<{ name: string }>>(`SELECT "name" FROM "_migrations" ORDER BY "name"`)).map((r) => r.name);

  beforeEach(() => {
    migrationsDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-migrations-'));
    writeMigration('20260201000000_svc_init', `CREATE TABLE "thing" ("name" TEXT NOT NULL); INSERT INTO "thing" VALUES ('seeded once');`);
  });
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    rmSync(migrationsDir, { recursive: true, force: true });
    const names = created.splice(0);
    await onServer(async (client) => {
      for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  });

  it('given a database that does not exist, when opened, then it is created and migrated', async () => {
    const name = freshName();

    const db = await openIt(name);

    expect(db.kind).toBe('postgres');
    expect(await db.ping()).toBe(true);
    expect(await applied(db)).toEqual(['20260101000000_platform_outbox_inbox', '20260201000000_svc_init']);
    expect(await db.client.$queryRawUnsafe(`SELECT "name" FROM "thing"`)).toEqual([{ name: 'seeded once' }]);
    const exists = await onServer((client) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
    expect(exists.rowCount).toBe(1);
  });

  it('given a migrated database, when opened again, then migrating is a no-op', async () => {
    const name = freshName();
    const first = await openIt(name);
    const before = await first.client.$queryRawUnsafe<Array<{ name: string; applied_at: Date }>>(
      `SELECT "name", "applied_at" FROM "_migrations" ORDER BY "name"`,
    );

    const second = await openIt(name);

    expect(await second.client.$queryRawUnsafe(`SELECT "name", "applied_at" FROM "_migrations" ORDER BY "name"`)).toEqual(before);
    expect(await second.client.$queryRawUnsafe(`SELECT "name" FROM "thing"`)).toEqual([{ name: 'seeded once' }]);
  });

  it('given an applied migration that was changed, when opened again, then it is refused', async () => {
    const name = freshName();
    await openIt(name);
    writeMigration('20260201000000_svc_init', `CREATE TABLE "thing" ("name" TEXT NOT NULL, "changed" BOOLEAN);`);

    await expect(openIt(name)).rejects.toThrow('migration 20260201000000_svc_init was changed after it was applied');
  });

  it('given three replicas starting together on a database that does not exist, then all open it and each migration is applied once', async () => {
    const name = freshName();

    const replicas = await Promise.all([openIt(name), openIt(name), openIt(name)]);

    for (const db of replicas) expect(await applied(db)).toEqual(['20260101000000_platform_outbox_inbox', '20260201000000_svc_init']);
    expect(await replicas[0]!.client.$queryRawUnsafe(`SELECT "name" FROM "thing"`)).toEqual([{ name: 'seeded once' }]);
  });

  it('given a server that cannot be reached, then opening fails instead of hanging', async () => {
    const url = new URL(serverUrl);
    url.port = '1';
    url.pathname = '/nowhere';

    await expect(
      openDatabase({ url: url.toString(), dataDir: 'memory://', migrationsDir, createClient: clientOverAdapter }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
