import { mintUserToken, type Role } from '@hotline/shared';
import type { DistributedSystem } from '../distributed';
import { probeDatabases, type DatabaseProbe } from '../databases';
import type { GraphAccess } from '../ledger';
import { streamComplaints, type ComplaintStream, type ComplaintStreamOptions } from '../load';
import { startTestSystem, type TestSystem } from '../test-system';

// The development signing settings, as the gateway uses them when JWT_SECRET is not set.
const JWT_SECRET = 'hotline-development-secret-change-me';
const JWT_ISSUER = 'hotline-12345';

const token = (role: Role) => mintUserToken({ sub: `fault-${role}`, roles: [role], district: '110199' }, JWT_SECRET, JWT_ISSUER);

/** A distributed deployment of its own for one fault test, with what the test needs to drive and count it. */
export interface FaultSystem {
  test: TestSystem;
  system: DistributedSystem;
  db: DatabaseProbe;
  /** Where analytics' figures are read, as an analyst. */
  analyst: GraphAccess;
  /** Streams complaints through the gateway as an agent. */
  stream(options: Omit<ComplaintStreamOptions, 'url' | 'token'>): ComplaintStream;
  stop(): Promise<void>;
}

export async function startFaultSystem(): Promise<FaultSystem> {
  // One agent sends every complaint of a test: far more than the gateway's per-caller default allows in a minute.
  const test = await startTestSystem('distributed', { RATE_LIMIT_PER_MINUTE: '1000000' });
  const system = test.distributed!;
  const db = probeDatabases(system);
  const [agent, analyst] = await Promise.all([token('agent'), token('analyst')]);
  const streams: ComplaintStream[] = [];
  return {
    test,
    system,
    db,
    analyst: { url: test.url, token: analyst },
    stream(options) {
      const stream = streamComplaints({ ...options, url: test.url, token: agent });
      streams.push(stream);
      return stream;
    },
    async stop() {
      // A test that failed mid-stream leaves its stream running: end it before the system goes away.
      for (const stream of streams) stream.end();
      await Promise.all(streams.map((s) => s.done));
      await db.close();
      await test.stop();
    },
  };
}
