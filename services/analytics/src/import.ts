import path from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { createLogger, openDatabase, pgliteDir } from '@hotline/shared';
import { readAnalyticsEnvironment } from './environment';
import { loadRatesConfig } from './rates-config';
import { PrismaClient } from './store/analytics-store';
import { createRatesStore } from './store/rates-store';
import { createProjection } from './events/projection';
import { createProjectionStore } from './store/projection-store';
import { createEventApplier } from './events/apply';
import { createImportManager } from './use-cases/import-manager';
import type { ImportFormat } from './domain/legacy-import';

/**
 * node services/analytics/dist/import.js <file> [--format CSV|NDJSON] [--source NAME]
 *
 * Imports historical cases into analytics' database (the same environment as the service:
 * ANALYTICS_DATABASE_URL, or PGlite under DATA_DIR — with PGlite, run it while analytics is stopped,
 * since one PGlite folder has one writer). Prints the report as JSON; exits 0 when every row was
 * imported, 2 when some were skipped, 1 when nothing could be written.
 */
async function main(argv: string[]): Promise<number> {
  const [file, ...rest] = argv;
  const option = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (!file) {
    process.stderr.write('usage: import.js <file> [--format CSV|NDJSON] [--source NAME]\n');
    return 1;
  }
  const format = (option('format')?.toUpperCase() ?? (/\.(nd)?jsonl?$/i.test(file) ? 'NDJSON' : 'CSV')) as ImportFormat;
  if (format !== 'CSV' && format !== 'NDJSON') {
    process.stderr.write(`--format must be CSV or NDJSON, not ${String(format)}\n`);
    return 1;
  }
  const env = readAnalyticsEnvironment(process.env);
  const config = loadRatesConfig(env.ANALYTICS_RATES_CONFIG);
  const logger = createLogger('analytics-import');
  const dataDir = pgliteDir(env.DATA_DIR, 'analytics');
  // PGlite creates its own folder but not the data folder above it, which the service may not have made yet.
  if (!env.ANALYTICS_DATABASE_URL && !dataDir.startsWith('memory://')) mkdirSync(path.dirname(dataDir), { recursive: true });
  const db = await openDatabase({
    url: env.ANALYTICS_DATABASE_URL,
    dataDir,
    migrationsDir: path.join(__dirname, '../prisma/migrations'),
    createClient: (adapter) => new PrismaClient({ adapter }),
  });
  try {
    const rates = createRatesStore(db.client);
    const now = () => new Date();
    const apply = createEventApplier(createProjection(rates, createProjectionStore(), { config, now }));
    const report = await createImportManager({ store: rates, apply, now }).importText(
      format,
      readFileSync(file, 'utf8'),
      option('source') ?? path.basename(file),
    );
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    logger.info({ rows: report.rows, imported: report.imported, skipped: report.problems.length }, 'legacy cases imported');
    return report.problems.length > 0 ? 2 : 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`import failed, nothing was written: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
