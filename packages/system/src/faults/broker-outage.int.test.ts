import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { expectedLedger, settledLedger } from '../ledger';
import { ROOT } from '../processes';
import { distributedMode } from '../test-system';
import { startFaultSystem, type FaultSystem } from './fault-system';

const maybe = distributedMode() ? describe : describe.skip;

/** Runs one of the broker's scripts (infra/kafka), failing with its output when it fails. */
const kafkaScript = (script: 'start.sh' | 'stop.sh', ...args: string[]) =>
  promisify(execFile)('bash', [path.join(ROOT, 'infra/kafka', script), ...args], { timeout: 120_000 });

// A deliberate outage, not a wait for a condition: long enough for every client to notice and retry.
const OUTAGE_MS = 10_000;

/*
 * The broker is the single local node every user of this machine shares: stopping it is the point
 * of this test, and it is always brought back with its data (never reformatted), even when the test fails.
 */
maybe('the Kafka broker down for 10 s while complaints stream in', () => {
  let fault: FaultSystem;
  let brokerStopped = false;

  beforeAll(async () => {
    fault = await startFaultSystem();
  }, 180_000);
  afterAll(async () => {
    if (brokerStopped) await kafkaScript('start.sh', '--keep-data');
    await fault?.stop();
  }, 180_000);

  it('keeps taking complaints into the outbox, then delivers every one exactly once when the broker is back', async () => {
    // Paced, so the stream outlasts the outage; ended once enough has come in after it.
    const stream = fault.stream({ total: 2_000, concurrency: 8, perSecond: 25 });
    await stream.reached(100);

    brokerStopped = true;
    await kafkaScript('stop.sh');
    const firstDuringOutage = stream.started;
    await sleep(OUTAGE_MS);

    // Every complaint sent while the broker was down was accepted and waits in intake's outbox.
    const duringOutage = stream.acceptedFrom(firstDuringOutage);
    expect(duringOutage.length).toBeGreaterThanOrEqual(50);
    const waiting = await fault.db.count('intake', `SELECT count(*) FROM "outbox" WHERE "key" = ANY($1::text[])`, [duringOutage]);
    expect(waiting).toBe(duringOutage.length);
    expect(stream.failures).toEqual([]);

    await kafkaScript('start.sh', '--keep-data');
    brokerStopped = false;
    await stream.reached(stream.accepted.length + 100);
    stream.end();
    const ids = await stream.done;
    expect(stream.failures).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);

    const ledger = await settledLedger(fault.db, fault.analyst, ids, 150_000);
    expect(ledger).toEqual(expectedLedger(ids.length));
  }, 240_000);
});
