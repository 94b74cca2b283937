import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type TransactionalClient } from '../db/database';
import { complaintReceived, recordingBus } from '../test/events';
import { clientOverAdapter } from '../test/sql-clients';
import { silentLogger } from '../testing';
import { createOutboxRelay, writeOutbox } from './outbox';

/*
 * The relay against concurrent writers, which only a real server has (PGlite runs one transaction
 * at a time). Runs when PG_TESTS is set, on DATABASE_URL_TEST or the local server.
 */
const maybe = process.env.PG_TESTS ? describe : describe.skip;
const serverUrl = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/postgres';

maybe('outbox relay on PostgreSQL', () => {
  const name = `hotline_test_${randomBytes(5).toString('hex')}`;
  let db: Database<TransactionalClient>;

  beforeAll(async () => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    db = await openDatabase({
      url: url.toString(),
      dataDir: 'memory://',
      migrationsDir: path.join(__dirname, 'no-service-migrations'),
      createClient: clientOverAdapter,
      poolSize: 4,
    });
  });
  afterAll(async () => {
    await db.close();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('given a transaction that took an earlier seq and commits while the relay publishes a later one, then its event is published next, not lost', async () => {
    const early = complaintReceived('c-early');
    const late = complaintReceived('c-late');
    let writtenEarly!: () => void;
    const earlyWritten = new Promise<void>((resolve) => (writtenEarly = resolve));
    let allowCommit!: () => void;
    const mayCommit = new Promise<void>((resolve) => (allowCommit = resolve));
    const slowTransaction = db.client.$transaction(async (tx) => {
      await writeOutbox(tx, [early]);
      writtenEarly();
      await mayCommit;
    });
    await earlyWritten;
    await writeOutbox(db.client, [late]);

    const recording = recordingBus();
    let committedDuringPublish = false;
    const bus = {
      ...recording.bus,
      async publish(messages: Parameters<typeof recording.bus.publish>[0]) {
        // The slow writer commits between the relay's SELECT and its DELETE.
        if (!committedDuringPublish) {
          committedDuringPublish = true;
          allowCommit();
          await slowTransaction;
        }
        await recording.bus.publish(messages);
      },
    };

    await createOutboxRelay({ db: db.client, bus, logger: silentLogger() }).flush();

    expect(recording.published.map((m) => m.key)).toEqual(['c-late', 'c-early']);
    expect(await db.client.$queryRawUnsafe(`SELECT "id" FROM "outbox"`)).toEqual([]);
  });
});
