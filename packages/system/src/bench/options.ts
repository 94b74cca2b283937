import { parseArgs } from 'node:util';

export type BenchMode = 'embedded' | 'distributed';

export interface BenchOptions {
  /** Length of the measured window of each run, in seconds. */
  seconds: number;
  /** Load sent before the window and not measured: JIT, Prisma's query caches and pools warm up. */
  warmupSeconds: number;
  /** Complaints per second the driver offers; 0 offers as many as `connections` can carry. */
  rate: number;
  /** Requests in flight at most: the HTTP connections, the PostgreSQL clients, the concurrent produces. */
  connections: number;
  modes: BenchMode[];
  /** Length of each reference measurement (PostgreSQL inserts, Kafka produces), in seconds; 0 skips them. */
  referenceSeconds: number;
  /** Messages per send in the batched Kafka reference. */
  batchSize: number;
  /** How long to wait after the window for work orders still on their way. */
  drainSeconds: number;
  /** Writes CPU profiles of the system's processes (node --cpu-prof) and prints where their time went. */
  profile: boolean;
  kafkaBrokers?: string;
  postgresUrl: string;
}

const usage = `usage: node packages/system/dist/bench/run.js [options]
  --seconds N          measured window per mode (default 60; env BENCH_SECONDS)
  --warmup N           unmeasured load before the window (default 5; env BENCH_WARMUP)
  --rate N             complaints/s offered; 0 = as fast as the connections allow (default 1000; env BENCH_RATE)
  --connections N      requests in flight at most, also the references' concurrency (default 64; env BENCH_CONNECTIONS)
  --mode M             embedded, distributed or both (default both; env BENCH_MODE)
  --reference-seconds N  each reference measurement; 0 skips them (default 10; env BENCH_REFERENCE_SECONDS)
  --batch N            messages per send in the batched Kafka reference (default 100)
  --drain N            seconds to wait for work orders after the window (default 30)
  --profile            CPU-profile the system's processes and summarise where the time went
Kafka: KAFKA_BROKERS (else infra/kafka/start.sh is run, as npm run start:distributed does); PostgreSQL: POSTGRES_URL (default postgres://postgres@127.0.0.1:5432).`;

function count(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be a whole number of at least ${min}, not "${text}"\n${usage}`);
  return value;
}

export function readBenchOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      mode: { type: 'string' },
      'reference-seconds': { type: 'string' },
      batch: { type: 'string' },
      drain: { type: 'string' },
      profile: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const mode = values.mode ?? env.BENCH_MODE ?? 'both';
  if (!['embedded', 'distributed', 'both'].includes(mode))
    throw new Error(`--mode must be embedded, distributed or both, not "${mode}"\n${usage}`);
  return {
    seconds: count('seconds', values.seconds ?? env.BENCH_SECONDS, 60, 1),
    warmupSeconds: count('warmup', values.warmup ?? env.BENCH_WARMUP, 5, 0),
    rate: count('rate', values.rate ?? env.BENCH_RATE, 1000, 0),
    connections: count('connections', values.connections ?? env.BENCH_CONNECTIONS, 64, 1),
    modes: mode === 'both' ? ['embedded', 'distributed'] : [mode as BenchMode],
    referenceSeconds: count('reference-seconds', values['reference-seconds'] ?? env.BENCH_REFERENCE_SECONDS, 10, 0),
    batchSize: count('batch', values.batch, 100, 1),
    drainSeconds: count('drain', values.drain, 30, 0),
    profile: values.profile ?? env.BENCH_PROFILE === 'true',
    kafkaBrokers: env.KAFKA_BROKERS,
    postgresUrl: env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
  };
}
