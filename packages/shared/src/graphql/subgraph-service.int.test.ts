import path from 'node:path';
import type { EventBus, Subscription } from '../bus/bus';
import { createInProcessBus } from '../bus/in-process';
import { clientOverAdapter } from '../test/sql-clients';
import { freePort, silentLogger, TEST_CALLER_SECRET, waitFor } from '../testing';
import { startSubgraphService, type StartedService } from './subgraph-service';

const readiness = (port: number) =>
  fetch(`http://127.0.0.1:${port}/ready`).then(
    async (r) => ({ status: r.status, checks: ((await r.json()) as { checks: Record<string, boolean> }).checks }),
    () => null,
  );

describe('a subgraph service starting', () => {
  let bus: EventBus;
  let started: StartedService | undefined;

  beforeEach(async () => {
    bus = createInProcessBus();
    await bus.start();
  });
  afterEach(async () => {
    await started?.stop();
    started = undefined;
    await bus.stop();
  });

  const start = (port: number, consume: () => Promise<Subscription>) =>
    startSubgraphService({
      name: 'probe',
      deps: { bus, logger: silentLogger(), now: () => new Date() },
      database: { dataDir: 'memory://', migrationsDir: path.join(__dirname, 'no-service-migrations'), createClient: clientOverAdapter },
      http: { port, host: '127.0.0.1', callerSecret: TEST_CALLER_SECRET },
      build: async () => ({
        typeDefs: 'type Query { ping: String }',
        resolvers: { Query: { ping: () => 'pong' } },
        context: (caller) => ({ caller }),
        publishes: false,
        consume,
      }),
    });

  it('answers /ready with 503 until its consumer has started, then 200', async () => {
    const port = await freePort();
    let release!: () => void;
    const consumerStarted = new Promise<void>((resolve) => (release = resolve));
    const starting = start(port, async () => {
      await consumerStarted;
      return { stop: async () => undefined };
    });

    const whileStarting = await waitFor(() => readiness(port), 'the starting service to answer');
    expect(whileStarting).toEqual({ status: 503, checks: { database: true, bus: true, consuming: false } });

    release();
    started = await starting;
    expect(await started.ready()).toBe(true);
    expect(await readiness(port)).toEqual({ status: 200, checks: { database: true, bus: true, consuming: true } });
  });

  it('given a consumer that cannot start, fails to start and leaves nothing listening', async () => {
    const port = await freePort();
    await expect(start(port, async () => Promise.reject(new Error('the group coordinator is not available')))).rejects.toThrow(
      'the group coordinator is not available',
    );
    expect(await readiness(port)).toBeNull();
  });
});
