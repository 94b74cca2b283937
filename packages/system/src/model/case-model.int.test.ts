import fc from 'fast-check';
import { startTestSystem, testModes, type TestSystem } from '../test-system';
import { caseCommands, type CaseModel, type CaseSystem } from './case-model';
import { Graph } from './graph';
import { checkInvariants, quietSnapshot, type Violation } from './invariants';

/**
 * Random sequences of operations through the gateway, then the invariants across all four services
 * once the system is quiet. A fixed seed and a fresh one per run (both printed); MODEL_SEED replays
 * one seed, MODEL_RUNS sets the sequences per seed, MODEL_COMMANDS the longest sequence. A failure
 * prints the shrunk sequence of commands. See docs/testing.md.
 */
const FIXED_SEED = 12345;
const seeds = process.env.MODEL_SEED ? [Number(process.env.MODEL_SEED)] : [FIXED_SEED, Date.now() % 2 ** 31];
const runs = Number(process.env.MODEL_RUNS ?? 3);
const maxCommands = Number(process.env.MODEL_COMMANDS ?? 25);
/** What one seed may take, shrinking included: past it fast-check stops and reports what it has. */
const SEED_BUDGET_MS = Number(process.env.MODEL_BUDGET_MS ?? 50_000);

/**
 * Violations known on main, each with the issue that owns the fix. They are still checked and
 * printed; they fail the test only with MODEL_STRICT=1. Remove an entry once its flow is fixed.
 */
const KNOWN_FAILURES: Array<{ issue: string; matches: (v: Violation) => boolean }> = [
  {
    // mergeComplaints(B → A) leaves B's work order DISPATCHED with four PENDING deadlines.
    issue: 'issue 11, flow 1: a merged report keeps its work order and deadlines',
    matches: (v) => v.intakeState === 'MERGED',
  },
];
const knownIssue = (v: Violation) => (process.env.MODEL_STRICT === '1' ? undefined : KNOWN_FAILURES.find((k) => k.matches(v))?.issue);

describe.each(testModes())('cases under random operations keep their invariants (%s mode)', (mode) => {
  let system: TestSystem;
  let real: CaseSystem;

  beforeAll(async () => {
    system = await startTestSystem(mode);
    real = { graph: new Graph(system.url), all: [] };
  }, 180_000);
  afterAll(() => system?.stop());

  it.each(seeds)(
    'seed %d',
    async (seed) => {
      console.log(
        `model-based test (${mode}): seed ${seed}, ${runs} runs of up to ${maxCommands} commands — replay with MODEL_SEED=${seed}`,
      );
      const known: string[] = [];
      await fc.assert(
        fc.asyncProperty(caseCommands(maxCommands), async (commands) => {
          const before = await quietSnapshot(system, real.graph, []);
          const model: CaseModel = { complaints: [] };
          await fc.asyncModelRun(() => ({ model, real }), commands);
          const after = await quietSnapshot(
            system,
            real.graph,
            model.complaints.map((c) => c.id),
          );
          const violations = checkInvariants(after.snapshot, before, after.backlog, after.quiet);
          const failing = violations.filter((v) => !knownIssue(v));
          for (const v of violations) if (knownIssue(v)) known.push(`${knownIssue(v)} — ${v.invariant}: ${v.detail}`);
          if (failing.length > 0) throw new Error(`invariants broken:\n${failing.map((v) => `  ${v.invariant}: ${v.detail}`).join('\n')}`);
        }),
        { seed, numRuns: runs, interruptAfterTimeLimit: SEED_BUDGET_MS, markInterruptAsFailure: false },
      );
      console.log(`seed ${seed}: mutations done/refused — ${real.graph.summary()}`);
      if (known.length > 0) console.warn(`known failures (seed ${seed}):\n${[...new Set(known)].slice(0, 20).join('\n')}`);
    },
    SEED_BUDGET_MS + 60_000,
  );
});
