import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startDistributed } from './distributed';
import { ROOT } from './processes';

/**
 * `npm run start:distributed`: the broker (started from infra/kafka unless KAFKA_BROKERS is given),
 * then each service and the gateway as its own process on PostgreSQL, on the usual ports 4000–4004.
 * Ctrl-C stops the processes; the broker keeps running until `bash infra/kafka/stop.sh`.
 */
async function main(): Promise<void> {
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    const output = execFileSync('bash', [path.join(ROOT, 'infra/kafka/start.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    brokers = /KAFKA_BROKERS=(\S+)/.exec(output)?.[1];
    if (!brokers) throw new Error('the Kafka broker did not report its address');
  }
  const system = await startDistributed({
    kafkaBrokers: brokers,
    postgresUrl: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
    name: 'hotline',
    ports: { gateway: 4000, intake: 4001, dispatch: 4002, supervision: 4003, analytics: 4004 },
    logDir: path.join(ROOT, 'data/logs'),
    logLevel: process.env.LOG_LEVEL ?? 'info',
    env: Object.fromEntries(
      ['JWT_SECRET', 'JWT_ISSUER', 'OTEL_EXPORTER_OTLP_ENDPOINT'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
    ),
  });
  console.log(
    `\n  12345 hotline platform (distributed) — the graph: ${system.url}\n  Kafka ${brokers}; databases hotline_<service>; logs in ${system.logDir}\n  mint a token: npm run token -- agent\n`,
  );
  const stop = () => void system.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
