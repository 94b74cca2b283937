import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { ComplaintReceived } from '@hotline/shared';
import { waitFor } from '@hotline/shared/testing';
import { expectedLedger, settledLedger } from '../ledger';
import type { ManagedProcess } from '../processes';
import { distributedMode } from '../test-system';
import { startFaultSystem, type FaultSystem } from './fault-system';

const maybe = distributedMode() ? describe : describe.skip;

maybe('a second dispatch replica joining and leaving while complaints stream in', () => {
  let fault: FaultSystem;
  let admin: Admin;
  let replica: ManagedProcess | undefined;

  beforeAll(async () => {
    fault = await startFaultSystem();
    admin = new Kafka({ clientId: 'fault-scale-out', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.ERROR }).admin();
    await admin.connect();
  }, 180_000);
  afterAll(async () => {
    await replica?.kill();
    await admin?.disconnect();
    await fault?.stop();
  }, 60_000);

  /** How many intake partitions each member of dispatch's consumer group holds, once the group is stable (not rebalancing). */
  async function stableAssignment(): Promise<number[] | null> {
    const { groups } = await admin.describeGroups([`${fault.system.name}.dispatch`]);
    const group = groups[0];
    if (group?.state !== 'Stable') return null;
    const intakeTopic = `${fault.system.name}.${ComplaintReceived.topic}`;
    return group.members
      .map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[intakeTopic]?.length ?? 0)
      .sort((a, b) => a - b);
  }

  it('dispatches every complaint exactly once while the group grows to two members and shrinks back', async () => {
    // Paced, so the stream spans the replica's start, its share of the work, and its stop; ended after that.
    const stream = fault.stream({ total: 2_000, concurrency: 8, perSecond: 25 });
    await stream.reached(100);

    replica = await fault.system.addReplica('dispatch');
    // Six partitions: three each.
    await waitFor(async () => (await stableAssignment())?.join() === '3,3', 'the replica to take its share of the partitions', 60_000);
    await stream.reached(stream.accepted.length + 100);

    // A polite stop: the replica leaves the group and its partitions move back while complaints keep coming.
    await replica.kill('SIGTERM');
    const exit = { code: replica.exitCode, signal: replica.exitSignal };
    await waitFor(async () => (await stableAssignment())?.join() === '6', 'the first replica to hold every partition again', 60_000);
    await stream.reached(stream.accepted.length + 100);
    stream.end();
    const ids = await stream.done;
    expect(stream.failures).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);

    const ledger = await settledLedger(fault.db, fault.analyst, ids, 120_000);
    expect(ledger).toEqual(expectedLedger(ids.length));
    // Last, so a failed graceful stop does not hide what the counts say: the process ends its own way, consumers first.
    expect(exit).toEqual({ code: 0, signal: null });
  }, 240_000);
});
