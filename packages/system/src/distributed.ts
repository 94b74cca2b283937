import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, ManagedProcess, waitUntilReady } from './processes';

export const SERVICES = ['intake', 'dispatch', 'supervision', 'analytics'] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ProcessName = ServiceName | 'gateway';

export interface DistributedOptions {
  /** Kafka bootstrap servers, e.g. 127.0.0.1:9092. */
  kafkaBrokers: string;
  /** A PostgreSQL server URL without a database (postgres://postgres@127.0.0.1:5432). */
  postgresUrl: string;
  /** Names this deployment: its databases (<name>_<service>) and its Kafka topics and groups (<name>.…). */
  name?: string;
  /** Fixed ports (gateway first); free ports when absent. */
  ports?: Partial<Record<ProcessName, number>>;
  otlpEndpoint?: string;
  logLevel?: string;
  logDir?: string;
  /** Settings passed to every process (e.g. JWT_SECRET, RATE_LIMIT_PER_MINUTE). */
  env?: Record<string, string>;
  kafkaPartitions?: number;
  /** Flags for node in every process, before the entry point (the benchmark's --cpu-prof). */
  nodeArgs?: string[];
}

export interface DistributedSystem {
  /** The graph's URL at the gateway. */
  url: string;
  name: string;
  logDir: string;
  processes: Record<ProcessName, ManagedProcess>;
  /** Database URL of a service, for tests that count rows. */
  databaseUrl(service: ServiceName): string;
  /** Starts a stopped process again and waits until it is ready. */
  restart(name: ProcessName): Promise<void>;
  /** A second replica of a service (same database, same consumer group) for scale-out tests. */
  addReplica(service: ServiceName): Promise<ManagedProcess>;
  stop(): Promise<void>;
  /** Drops this deployment's databases (after stop). */
  dropDatabases(): Promise<void>;
}

const entries: Record<ProcessName, string> = {
  intake: 'services/intake/dist/main.js',
  dispatch: 'services/dispatch/dist/main.js',
  supervision: 'services/supervision/dist/main.js',
  analytics: 'services/analytics/dist/main.js',
  gateway: 'gateway/dist/main.js',
};

const withDatabase = (serverUrl: string, database: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * Starts the distributed system: each service and the gateway as a process of its own, every
 * service on its own PostgreSQL database (created and migrated by the service) and on Kafka.
 */
export async function startDistributed(options: DistributedOptions): Promise<DistributedSystem> {
  const name = options.name ?? `hotline_${randomBytes(4).toString('hex')}`;
  const logDir = options.logDir ?? mkdtempSync(path.join(tmpdir(), `${name}-logs-`));
  mkdirSync(logDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), `${name}-data-`));
  const callerSecret = randomBytes(32).toString('hex');
  const ports: Record<ProcessName, number> = {
    gateway: options.ports?.gateway ?? (await freePort()),
    intake: options.ports?.intake ?? (await freePort()),
    dispatch: options.ports?.dispatch ?? (await freePort()),
    supervision: options.ports?.supervision ?? (await freePort()),
    analytics: options.ports?.analytics ?? (await freePort()),
  };
  const databaseUrl = (service: ServiceName) => withDatabase(options.postgresUrl, `${name}_${service}`);
  const common: Record<string, string> = {
    KAFKA_BROKERS: options.kafkaBrokers,
    KAFKA_NAMESPACE: name,
    KAFKA_PARTITIONS: String(options.kafkaPartitions ?? 6),
    CALLER_SECRET: callerSecret,
    DEMO_DATA: 'true',
    DATA_DIR: dataDir,
    LOG_LEVEL: options.logLevel ?? 'info',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    ...(options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint } : {}),
    ...options.env,
  };
  const envOf = (process: ProcessName, port = ports[process]): Record<string, string> => {
    if (process === 'gateway') {
      return {
        ...common,
        GATEWAY_PORT: String(port),
        ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${ports[s]}`])),
      };
    }
    const prefix = process.toUpperCase();
    return { ...common, [`${prefix}_PORT`]: String(port), [`${prefix}_DATABASE_URL`]: databaseUrl(process) };
  };
  const processes = Object.fromEntries(
    (['intake', 'dispatch', 'supervision', 'analytics', 'gateway'] as const).map((p) => [
      p,
      new ManagedProcess(p, entries[p], envOf(p), path.join(logDir, `${p}.log`), options.nodeArgs),
    ]),
  ) as Record<ProcessName, ManagedProcess>;
  const replicas: ManagedProcess[] = [];

  const readyUrl = (p: ProcessName, port = ports[p]) => `http://127.0.0.1:${port}/ready`;
  const system: DistributedSystem = {
    url: `http://127.0.0.1:${ports.gateway}/graphql`,
    name,
    logDir,
    processes,
    databaseUrl,
    async restart(p) {
      processes[p].start();
      await waitUntilReady(readyUrl(p), p, processes[p], 60_000, processes);
    },
    async addReplica(service) {
      const port = await freePort();
      const replica = new ManagedProcess(
        `${service}-${replicas.length + 2}`,
        entries[service],
        envOf(service, port),
        path.join(logDir, `${service}-${replicas.length + 2}.log`),
        options.nodeArgs,
      );
      replicas.push(replica);
      replica.start();
      await waitUntilReady(readyUrl(service, port), replica.name, replica);
      return replica;
    },
    async stop() {
      await processes.gateway.kill();
      await Promise.all([...replicas, ...SERVICES.map((s) => processes[s])].map((p) => p.kill()));
    },
    async dropDatabases() {
      const admin = new pg.Client({ connectionString: withDatabase(options.postgresUrl, 'postgres') });
      await admin.connect();
      try {
        for (const service of SERVICES) await admin.query(`DROP DATABASE IF EXISTS "${name}_${service}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };

  try {
    // Services start together (each creates and migrates its own database); the gateway needs them up.
    // A service that exits while starting is started again, at most twice, as an orchestrator would.
    const startService = async (service: ServiceName, restarts = 2): Promise<void> => {
      processes[service].start();
      try {
        await waitUntilReady(readyUrl(service), service, processes[service], 120_000);
      } catch (error) {
        if (!processes[service].exited || restarts === 0) throw error;
        await startService(service, restarts - 1);
      }
    };
    await Promise.all(SERVICES.map((s) => startService(s)));
    processes.gateway.start();
    await waitUntilReady(readyUrl('gateway'), 'gateway', processes.gateway, 120_000, processes);
    return system;
  } catch (error) {
    await system.stop();
    throw error;
  }
}
