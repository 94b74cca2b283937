import { expectedLedger, settledLedger } from '../ledger';
import { distributedMode } from '../test-system';
import { startFaultSystem, type FaultSystem } from './fault-system';

const maybe = distributedMode() ? describe : describe.skip;

const TOTAL = 500;

maybe('dispatch killed with SIGKILL while complaints stream in', () => {
  let fault: FaultSystem;

  beforeAll(async () => {
    fault = await startFaultSystem();
  }, 180_000);
  afterAll(() => fault?.stop(), 60_000);

  it('dispatches every complaint exactly once after the restart, and every service counts each once', async () => {
    const dispatch = fault.system.processes.dispatch;
    const stream = fault.stream({ total: TOTAL, concurrency: 16 });

    await stream.reached(150);
    // No shutdown hook runs: transactions in flight die with the process, offsets are not committed.
    await dispatch.kill('SIGKILL');
    expect(dispatch.exitSignal).toBe('SIGKILL');

    // Intake does not need dispatch: complaints keep coming in while it is down.
    await stream.reached(350);
    const ordersWhileDown = await fault.db.count('dispatch', `SELECT count(*) FROM "work_order"`);
    expect(ordersWhileDown).toBeLessThan(stream.accepted.length);

    await fault.system.restart('dispatch');
    const ids = await stream.done;
    expect(stream.failures).toEqual([]);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);

    const ledger = await settledLedger(fault.db, fault.analyst, ids, 150_000);
    expect(ledger).toEqual(expectedLedger(TOTAL));
  }, 240_000);
});
