import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientOverAdapter } from '../test/sql-clients';
import { openDatabase, pgliteDir, type Database, type TransactionalClient } from './database';

/** Migrations run by openDatabase on PGlite kept in a folder, so a database can be reopened. */
describe('openDatabase on PGlite: migrations', () => {
  let root: string;
  let migrationsDir: string;
  let dataDir: string;
  const open: Array<Database<TransactionalClient>> = [];

  const writeMigration = (name: string, sql: string) => {
    mkdirSync(path.join(migrationsDir, name), { recursive: true });
    writeFileSync(path.join(migrationsDir, name, 'migration.sql'), sql);
  };
  const openIt = async () => {
    const db = await openDatabase({ dataDir, migrationsDir, createClient: clientOverAdapter });
    open.push(db);
    return db;
  };
  const closeAll = async () => {
    for (const db of open.splice(0)) await db.close();
  };
  const applied = async (db: Database<TransactionalClient>) =>
    (await db.client.$queryRawUnsafe<Array<{ name: string }>>(`SELECT "name" FROM "_migrations" ORDER BY "name"`)).map((r) => r.name);

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'hotline-migrations-'));
    migrationsDir = path.join(root, 'migrations');
    dataDir = path.join(root, 'data');
    mkdirSync(migrationsDir);
  });
  afterEach(async () => {
    await closeAll();
    rmSync(root, { recursive: true, force: true });
  });

  it('given a fresh database, when opened, then the platform and service migrations are applied in name order and recorded with checksums', async () => {
    writeMigration('20260301000000_svc_second', `INSERT INTO "thing" ("name") VALUES ('made by the second')`);
    writeMigration('20260201000000_svc_first', `CREATE TABLE "thing" ("name" TEXT NOT NULL)`);

    const db = await openIt();

    expect(db.kind).toBe('pglite');
    expect(await db.ping()).toBe(true);
    expect(await applied(db)).toEqual(['20260101000000_platform_outbox_inbox', '20260201000000_svc_first', '20260301000000_svc_second']);
    const [record] = await db.client.$queryRawUnsafe<Array<{ checksum: string }>>(
      `SELECT "checksum" FROM "_migrations" WHERE "name" = '20260201000000_svc_first'`,
    );
    expect(record!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.client.$queryRawUnsafe(`SELECT "name" FROM "thing"`)).toEqual([{ name: 'made by the second' }]);
    expect(
      await db.client.$executeRawUnsafe(
        `INSERT INTO "outbox" ("id", "topic", "key", "payload") VALUES ('018f0000-0000-7000-8000-000000000001', 't', 'k', 'p')`,
      ),
    ).toBe(1);
  });

  it('given a migrated database, when opened again, then nothing is applied twice', async () => {
    writeMigration('20260201000000_svc_first', `CREATE TABLE "thing" ("name" TEXT NOT NULL); INSERT INTO "thing" VALUES ('once');`);
    await openIt();
    await closeAll();

    const db = await openIt();

    expect(await db.client.$queryRawUnsafe(`SELECT "name" FROM "thing"`)).toEqual([{ name: 'once' }]);
    expect(await applied(db)).toHaveLength(2);
  });

  it('given a migration added after the first start, when opened again, then only the new one is applied', async () => {
    writeMigration('20260201000000_svc_first', `CREATE TABLE "thing" ("name" TEXT NOT NULL)`);
    await openIt();
    await closeAll();
    writeMigration('20260301000000_svc_more', `ALTER TABLE "thing" ADD COLUMN "size" INT NOT NULL DEFAULT 1`);

    const db = await openIt();

    expect(await applied(db)).toEqual(['20260101000000_platform_outbox_inbox', '20260201000000_svc_first', '20260301000000_svc_more']);
    expect(await db.client.$executeRawUnsafe(`INSERT INTO "thing" ("name", "size") VALUES ('big', 3)`)).toBe(1);
  });

  it('given an applied migration whose file was changed, when opened again, then it is refused naming the migration', async () => {
    writeMigration('20260201000000_svc_first', `CREATE TABLE "thing" ("name" TEXT NOT NULL)`);
    await openIt();
    await closeAll();
    writeMigration('20260201000000_svc_first', `CREATE TABLE "thing" ("name" TEXT NOT NULL, "extra" TEXT)`);

    await expect(openIt()).rejects.toThrow('migration 20260201000000_svc_first was changed after it was applied');
  });

  it('given a migration that fails halfway, then it names the migration, leaves nothing of itself behind and runs once fixed', async () => {
    writeMigration('20260201000000_svc_first', `CREATE TABLE "thing" ("name" TEXT NOT NULL)`);
    writeMigration('20260301000000_svc_broken', `CREATE TABLE "half" ("id" INT); INSERT INTO "nowhere" VALUES (1);`);

    await expect(openIt()).rejects.toThrow(/^migration 20260301000000_svc_broken failed: .*nowhere/);

    writeMigration('20260301000000_svc_broken', `CREATE TABLE "half" ("id" INT);`);
    const db = await openIt();
    expect(await applied(db)).toContain('20260301000000_svc_broken');
    expect(await db.client.$queryRawUnsafe(`SELECT count(*)::int AS n FROM "half"`)).toEqual([{ n: 0 }]);
  });

  it('given a migrations folder that does not exist, then only the platform migrations are applied', async () => {
    const db = await openDatabase({ dataDir: 'memory://', migrationsDir: path.join(root, 'none'), createClient: clientOverAdapter });
    open.push(db);

    expect(await applied(db)).toEqual(['20260101000000_platform_outbox_inbox']);
  });
});

describe('pgliteDir', () => {
  it('given memory://, then every service stays in memory', () => {
    expect(pgliteDir('memory://', 'intake')).toBe('memory://');
  });

  it('given a folder, then each service gets a folder of its own under it', () => {
    expect(pgliteDir('/var/lib/hotline', 'dispatch')).toBe(path.join('/var/lib/hotline', 'dispatch'));
  });
});
