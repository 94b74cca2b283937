import { z } from 'zod';
import { parseInput, requireRole, type RequestCaller } from '@hotline/shared';
import { eventsOf, parseCsv, parseNdjson, validateRows, type ImportFormat, type ImportProblemRecord } from '../domain/legacy-import';
import type { EventApplier } from '../events/apply';
import type { RatesStore } from '../store/rates-store';

export interface ImportReportRecord {
  source: string;
  /** Rows read (valid and bad). */
  rows: number;
  imported: number;
  /** Every problem, by line; a bad row is skipped whole. */
  problems: ImportProblemRecord[];
}

const importArgs = z.object({
  format: z.enum(['CSV', 'NDJSON']),
  content: z
    .string()
    .min(1, 'must not be empty')
    .max(8_000_000, 'must be at most 8,000,000 characters; use the import command for larger files'),
  source: z.string().trim().min(1, 'must not be empty').max(200),
});

export interface ImportManagerDeps {
  store: RatesStore;
  apply: EventApplier;
  now: () => Date;
}

/**
 * Import of historical cases. One transaction per file: the valid rows are all imported or, if
 * anything fails while writing, none is; bad rows are reported by line and skipped before writing.
 */
export function createImportManager(deps: ImportManagerDeps) {
  const importText = async (format: ImportFormat, content: string, source: string): Promise<ImportReportRecord> => {
    const raw = format === 'CSV' ? parseCsv(content) : parseNdjson(content);
    const { cases, problems } = validateRows(raw);
    const rows = raw.rows.length + raw.problems.length;
    if (cases.length === 0) return { source, rows, imported: 0, problems };
    const envelopes = cases.flatMap((c) => eventsOf(c.value));
    await deps.store.transaction(async (tx) => {
      await deps.store.saveImported(tx, source, envelopes, deps.now());
      await deps.apply(tx, envelopes);
    });
    return { source, rows, imported: cases.length, problems };
  };
  return {
    /** For the command line, which runs with the database's own rights. */
    importText,
    /** The admins' mutation. */
    async importLegacyCases(
      caller: RequestCaller,
      args: { format: unknown; content: unknown; source: unknown },
    ): Promise<ImportReportRecord> {
      requireRole(caller, 'admin');
      const { format, content, source } = parseInput(importArgs, args);
      return importText(format, content, source);
    },
  };
}
export type ImportManager = ReturnType<typeof createImportManager>;
