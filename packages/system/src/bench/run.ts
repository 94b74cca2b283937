import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { contracts, deadLetterTopicOf, mintUserToken } from '@hotline/shared';
import { startDistributed, SERVICES, type DistributedSystem } from '../distributed';
import { freePort, ManagedProcess, ROOT, waitUntilReady } from '../processes';
import { cpuMeter, kafkaPids, postgresPids, type CpuGroup, type CpuShare } from './cpu';
import { runLoad } from './driver';
import { Journeys, legs } from './journeys';
import { observeJournal, observeKafka, type DispatchObserver, type Sink } from './observers';
import { readBenchOptions, type BenchMode, type BenchOptions } from './options';
import { dropDeploymentDatabases, postgresVersion } from './postgres';
import { formatProfile, summariseProfile } from './profile';
import { kafkaProduces, postgresInserts, type ReferenceResult } from './references';
import { ms, perSecond, table } from './stats';

// The gateway's development signing settings (JWT_SECRET and JWT_ISSUER unset), as `npm run token` uses them.
const JWT_SECRET = 'hotline-development-secret-change-me';
const JWT_ISSUER = 'hotline-12345';
// The gateway limits each caller to RATE_LIMIT_PER_MINUTE (600 by default); the benchmark is one caller sending far more.
const SYSTEM_ENV = { RATE_LIMIT_PER_MINUTE: '1000000000' };
// The services' topics are created up front with this many partitions (startDistributed's default).
const KAFKA_PARTITIONS = 6;

/** A system under load: where to send complaints, how to see its work orders, which processes to meter. */
interface Target {
  url: string;
  description: string;
  observe(sink: Sink): Promise<DispatchObserver>;
  cpuGroups: CpuGroup[];
  /** Process name → pid, to tell CPU profiles apart. */
  pids(): Record<string, number | undefined>;
  stop(): Promise<void>;
}

interface ModeResult {
  mode: BenchMode;
  description: string;
  journeys: Journeys;
  /** Complaints accepted within the window that had no work order when the drain ended. */
  undispatched: number;
  seconds: number;
  /** Accepted complaints without a work order yet at the end of the window. */
  backlogAtEnd: number;
  maxLagMs: number;
  cpu: { shares: CpuShare[]; machineCores: number; machineBusy: number };
  /** CPU milliseconds per accepted complaint, per process group, over the whole run (warm-up and drain included). */
  perComplaint: Map<string, number>;
  profiles: string[];
}

const profileArgs = (dir: string | undefined): string[] => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
const benchGroup: CpuGroup = { name: 'load generator (this process)', pids: () => [process.pid] };

/** The embedded system (startEmbedded: gateway and four subgraphs in one process, PGlite files, in-process bus), as its own process so the load generator does not share its event loop. */
async function startEmbeddedTarget(profileDir: string | undefined, logDir: string): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-embedded-'));
  const port = await freePort();
  const child = new ManagedProcess(
    'embedded',
    'gateway/dist/embedded.js',
    {
      GATEWAY_PORT: String(port),
      INTAKE_PORT: '0',
      DISPATCH_PORT: '0',
      SUPERVISION_PORT: '0',
      ANALYTICS_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...SYSTEM_ENV,
    },
    path.join(logDir, 'embedded.log'),
    profileArgs(profileDir),
  );
  child.start();
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/ready`, 'embedded', child, 120_000);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    description: 'one process: gateway + 4 subgraphs, PGlite files under a temp DATA_DIR, in-process bus (journalled)',
    observe: async (sink) => observeJournal(path.join(dataDir, 'bus'), sink),
    cpuGroups: [{ name: 'embedded system', pids: () => (child.pid ? [child.pid] : []) }, benchGroup],
    pids: () => ({ embedded: child.pid }),
    async stop() {
      await child.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The distributed system (startDistributed: each service and the gateway a process, PostgreSQL databases, Kafka topics under a namespace of its own). */
async function startDistributedTarget(
  options: BenchOptions,
  brokers: string,
  profileDir: string | undefined,
  logDir: string,
): Promise<Target> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  let system: DistributedSystem;
  try {
    await createTopics(brokers, name);
    system = await startDistributed({
      kafkaBrokers: brokers,
      postgresUrl: options.postgresUrl,
      name,
      logLevel: 'warn',
      logDir,
      kafkaPartitions: KAFKA_PARTITIONS,
      env: SYSTEM_ENV,
      nodeArgs: profileArgs(profileDir),
    });
  } catch (error) {
    await dropDeploymentDatabases(options.postgresUrl, name);
    await deleteTopics(brokers, `${name}.`);
    throw error;
  }
  const processes = ['gateway', ...SERVICES] as const;
  return {
    url: system.url,
    description: 'gateway + 4 subgraph processes, PostgreSQL 15 (a database each), Kafka (1 broker, 6 partitions)',
    observe: (sink) => observeKafka(brokers.split(','), system.name, sink),
    cpuGroups: [
      ...processes.map((p) => ({ name: p, pids: () => (system.processes[p].pid ? [system.processes[p].pid!] : []) })),
      { name: 'PostgreSQL (every backend on the machine)', pids: postgresPids },
      { name: 'Kafka broker', pids: kafkaPids },
      benchGroup,
    ],
    pids: () => Object.fromEntries(processes.map((p) => [p, system.processes[p].pid])),
    async stop() {
      await system.stop();
      await dropDeploymentDatabases(options.postgresUrl, system.name);
      await deleteTopics(brokers, `${system.name}.`);
    },
  };
}

/**
 * Creates the deployment's topics before its services start. Left to the services, four processes
 * create the same new topics at once, and on a busy broker one of them regularly fails to start
 * ("This server does not host this topic-partition").
 */
async function createTopics(brokers: string, name: string): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-setup', brokers: brokers.split(','), logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const topics = [...new Set(contracts.map((c) => c.topic))]
      .flatMap((t) => [t, deadLetterTopicOf(t)])
      .map((topic) => ({ topic: `${name}.${topic}`, numPartitions: KAFKA_PARTITIONS, replicationFactor: 1 }));
    await admin.createTopics({ waitForLeaders: true, topics });
  } finally {
    await admin.disconnect();
  }
}

/** Removes a deployment's topics: a full run leaves some 10⁵ messages per topic on a broker others use. */
async function deleteTopics(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers: brokers.split(','), logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

const hrtimeUs = () => Number(process.hrtime.bigint() / 1000n);

async function benchMode(mode: BenchMode, options: BenchOptions, brokers: string | undefined, logDir: string): Promise<ModeResult> {
  const profileDir = options.profile ? mkdtempSync(path.join(os.tmpdir(), `hotline-bench-${mode}-profiles-`)) : undefined;
  const target =
    mode === 'embedded'
      ? await startEmbeddedTarget(profileDir, logDir)
      : await startDistributedTarget(options, brokers!, profileDir, logDir);
  let observer: DispatchObserver | undefined;
  const timers: NodeJS.Timeout[] = [];
  try {
    const token = await mintUserToken({ sub: 'bench-agent', roles: ['agent'], district: '110199' }, JWT_SECRET, JWT_ISSUER);
    const startedAt = performance.now() + 200;
    const windowStart = startedAt + options.warmupSeconds * 1000;
    const windowEnd = windowStart + options.seconds * 1000;
    const journeys = new Journeys((t) => t >= windowStart && t < windowEnd);
    observer = await target.observe({
      dispatched: (...args) => journeys.dispatchedSeen(...args),
      received: (...args) => journeys.receivedProduced(...args),
    });

    const meter = cpuMeter(target.cpuGroups);
    const window = { fromUs: 0, toUs: 0 };
    timers.push(
      setTimeout(() => {
        meter.start();
        window.fromUs = hrtimeUs();
      }, windowStart - performance.now()),
    );
    // The load ends with the window, so this has fired when the load is done.
    const windowEnded = new Promise<{ cpu: ModeResult['cpu']; backlogAtEnd: number }>((resolve) => {
      timers.push(
        setTimeout(() => {
          window.toUs = hrtimeUs();
          resolve({ cpu: meter.stop(), backlogAtEnd: journeys.pending });
        }, windowEnd - performance.now()),
      );
    });
    // From the first request until the last work order is seen: what the complaints cost, whatever their lag.
    const runMeter = cpuMeter(target.cpuGroups);
    runMeter.start();
    console.error(
      `${mode}: ${options.warmupSeconds} s warm-up, then ${options.seconds} s measured at ${options.rate || 'unlimited'} complaints/s, ${options.connections} connections`,
    );
    const { maxLagMs } = await runLoad({
      url: target.url,
      token,
      rate: options.rate,
      connections: options.connections,
      startedAt,
      durationMs: windowEnd - startedAt,
      onAccepted: (...args) => journeys.accepted(...args),
      onFailed: (...args) => journeys.failed(...args),
    });
    const { cpu, backlogAtEnd } = await windowEnded;
    // Work orders of complaints sent near the end are still on their way.
    const drainUntil = performance.now() + options.drainSeconds * 1000;
    while (journeys.pending > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    const run = runMeter.stop();
    await observer.stop();
    observer = undefined;
    await target.stop();
    return {
      mode,
      description: target.description,
      journeys,
      undispatched: journeys.pendingMeasured,
      seconds: options.seconds,
      backlogAtEnd,
      maxLagMs,
      cpu,
      perComplaint: new Map(run.shares.map((s) => [s.name, (s.cores * run.seconds * 1000) / Math.max(journeys.acceptedTotal, 1)])),
      // Written by each process as it exits, so read after the stop.
      profiles: profileDir ? readProfiles(profileDir, target.pids(), window) : [],
    };
  } catch (error) {
    await observer?.stop().catch(() => undefined);
    await target.stop().catch(() => undefined);
    throw error;
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

/** The profiles `--cpu-prof` wrote at exit, named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, summarised over the window. */
function readProfiles(dir: string, pids: Record<string, number | undefined>, window: { fromUs: number; toUs: number }): string[] {
  const names = new Map(Object.entries(pids).map(([name, pid]) => [String(pid), name]));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((file) => {
      const pid = file.split('.')[3] ?? '';
      return formatProfile(`${names.get(pid) ?? `pid ${pid}`} (${path.join(dir, file)})`, summariseProfile(path.join(dir, file), window));
    });
}

function kafkaBrokers(options: BenchOptions): string {
  if (options.kafkaBrokers) return options.kafkaBrokers;
  // As `npm run start:distributed` does: start.sh is idempotent and leaves a running broker as it is.
  const output = execFileSync('bash', [path.join(ROOT, 'infra/kafka/start.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(output)?.[1];
  if (!brokers) throw new Error('the Kafka broker did not report its address');
  return brokers;
}

function referenceRows(references: ReferenceResult[]): string[][] {
  return references.map((r) => [
    r.name,
    String(r.concurrency),
    perSecond(r.operations / r.seconds),
    ms(r.calls.percentile(50)),
    ms(r.calls.percentile(99)),
    String(r.errors),
  ]);
}

function modeRows(results: ModeResult[], rate: number): string[][] {
  return results.map((r) => {
    const errors = [...r.journeys.failures.values()].reduce((a, b) => a + b, 0) + r.undispatched;
    const reached = r.journeys.dispatched / r.seconds;
    return [
      r.mode,
      rate > 0 ? perSecond(rate) : 'max',
      perSecond(r.journeys.submitted / r.seconds),
      perSecond(reached),
      rate > 0 ? `${Math.round((100 * reached) / rate)} %` : '–',
      String(errors),
      `${ms(r.journeys.submit.percentile(50))} / ${ms(r.journeys.submit.percentile(99))}`,
      ms(r.journeys.toWorkOrder.percentile(50)),
      ms(r.journeys.toWorkOrder.percentile(95)),
      ms(r.journeys.toWorkOrder.percentile(99)),
      ms(r.journeys.toWorkOrder.max),
      String(r.backlogAtEnd),
    ];
  });
}

/** Cores each process used over the window, and its CPU milliseconds per complaint over the whole run. */
function cpuTable(results: ModeResult[]): string {
  const names = [...new Set(results.flatMap((r) => r.cpu.shares.map((s) => s.name)))];
  const rows = names.map((name) => [
    name,
    ...results.flatMap((r) => {
      const cores = r.cpu.shares.find((s) => s.name === name)?.cores;
      const perComplaint = r.perComplaint.get(name);
      return [cores === undefined ? '' : cores.toFixed(2), perComplaint === undefined ? '' : perComplaint.toFixed(1)];
    }),
  ]);
  rows.push([
    'everything else on the machine',
    ...results.flatMap((r) => [(r.cpu.machineBusy - r.cpu.shares.reduce((a, s) => a + s.cores, 0)).toFixed(2), '']),
  ]);
  rows.push(['machine busy', ...results.flatMap((r) => [`${r.cpu.machineBusy.toFixed(2)} / ${r.cpu.machineCores.toFixed(0)}`, ''])]);
  return table(['process', ...results.flatMap((r) => [`${r.mode} cores`, 'ms/complaint'])], rows);
}

async function main(): Promise<void> {
  const options = readBenchOptions(process.argv.slice(2), process.env);
  const brokers = options.modes.includes('distributed') || options.referenceSeconds > 0 ? kafkaBrokers(options) : undefined;
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-logs-'));
  const cpus = os.cpus();
  const loadBefore = os.loadavg()[0]!;
  const print = (text = '') => console.log(text);

  let references: ReferenceResult[] = [];
  if (options.referenceSeconds > 0) {
    console.error(`references: ${options.referenceSeconds} s each at concurrency ${options.connections}`);
    references = [
      await postgresInserts(options.postgresUrl, options.connections, options.referenceSeconds),
      ...(await kafkaProduces(
        brokers!.split(','),
        `bench_${randomBytes(4).toString('hex')}`,
        options.connections,
        options.referenceSeconds,
        options.batchSize,
      )),
    ];
  }
  const results: ModeResult[] = [];
  for (const mode of options.modes) results.push(await benchMode(mode, options, brokers, logDir));

  print();
  print(`## Benchmark ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  print(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average before the run ${loadBefore.toFixed(2)}; Node ${process.version}; PostgreSQL ${await postgresVersion(options.postgresUrl)}; Kafka at ${brokers ?? '–'}`,
  );
  print(
    `load: ${options.rate > 0 ? `${options.rate} complaints/s offered` : 'as fast as the connections allow'}, at most ${options.connections} in flight, ${options.warmupSeconds} s warm-up, ${options.seconds} s measured`,
  );
  if (references.length > 0) {
    print();
    print(
      `references (same machine, same run, ${options.referenceSeconds} s each; rate in rows or messages per second; latency of one call)`,
    );
    print(table(['reference', 'concurrency', 'ops/s', 'call p50 ms', 'call p99 ms', 'errors'], referenceRows(references)));
  }
  print();
  print('complaints through the gateway (latencies in ms; submit→work order = WorkOrderDispatched seen on the bus − submit request sent)');
  print(
    table(
      [
        'mode',
        'offered/s',
        'submitted/s',
        'work orders/s',
        'reached',
        'errors',
        'submit p50 / p99',
        'submit→WO p50',
        'p95',
        'p99',
        'max',
        'backlog at end',
      ],
      modeRows(results, options.rate),
    ),
  );
  for (const r of results) {
    print(`- ${r.mode}: ${r.description}`);
    if (r.maxLagMs > 1000)
      print(
        `  the driver fell up to ${(r.maxLagMs / 1000).toFixed(1)} s behind the offered schedule: the system answered slower than offered`,
      );
    if (r.journeys.failures.size > 0)
      print(`  failed submits: ${[...r.journeys.failures].map(([kind, n]) => `${kind} × ${n}`).join(', ')}`);
    if (r.undispatched > 0)
      print(`  ${r.undispatched} accepted complaints had no work order ${options.drainSeconds} s after the load stopped`);
  }
  const withLegs = results.filter((r) => [...r.journeys.legs.values()].some((l) => l.count > 0));
  if (withLegs.length > 0) {
    print();
    print('where the time goes from submit to work order (ms; Kafka stamps each message with the time its producer sent it)');
    const header = ['leg', ...withLegs.flatMap((r) => [`${r.mode} p50`, 'p99'])];
    print(
      table(
        header,
        legs.map(([leg, what]) => [
          what,
          ...withLegs.flatMap((r) => [ms(r.journeys.legs.get(leg)!.percentile(50)), ms(r.journeys.legs.get(leg)!.percentile(99))]),
        ]),
      ),
    );
  }
  print();
  print('CPU: cores in use on average during the window; CPU ms per accepted complaint from the first request to the last work order');
  print(cpuTable(results));
  for (const r of results) for (const profile of r.profiles) console.log(`\n${profile}`);
  console.error(`\nprocess logs: ${logDir}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
