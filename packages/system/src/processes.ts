import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';

/** The repository's root, where every process's entry point is found. */
export const ROOT = path.resolve(__dirname, '../../..');

/** A free TCP port on the loopback interface (the harness and the tests share one way to find it). */
export { freePort } from '@hotline/shared/testing';

/** The last lines of a log file, for an error message that must stand on its own (CI keeps no files). */
export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A process's state and last log lines, for an error message. */
const stateOf = (child: ManagedProcess) =>
  `${child.exited ? `exited with ${child.exitCode ?? child.exitSignal}` : 'running'}; ${child.logFile} ends:\n${logTail(child.logFile)}`;

/** The checks a readiness answer names as failing, e.g. the subgraphs a gateway is waiting for. */
function failingChecks(body: string): string[] {
  try {
    const { checks } = JSON.parse(body) as { checks?: Record<string, unknown> };
    return Object.entries(checks ?? {}).flatMap(([name, ok]) => (ok ? [] : [name]));
  } catch {
    return [];
  }
}

/**
 * Waits until `url` answers 200, or fails naming what did not come up, with its readiness answer and
 * log, and the state and log of each process in `behind` (by check name) that the answer names as failing.
 */
export async function waitUntilReady(
  url: string,
  what: string,
  child: ManagedProcess,
  timeoutMs = 60_000,
  behind: Record<string, ManagedProcess> = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (child.exited) throw new Error(`${what} was not ready: ${stateOf(child)}`);
    const answer = await fetch(url).then(
      async (r) => ({ ok: r.ok, body: await r.text() }),
      (error: Error) => ({ ok: false, body: error.message }),
    );
    if (answer.ok) return;
    if (Date.now() > deadline) {
      const causes = failingChecks(answer.body).flatMap((check) => (behind[check] ? [`\n${check} is ${stateOf(behind[check])}`] : []));
      throw new Error(
        `${what} was not ready at ${url} within ${timeoutMs} ms (last answer: ${answer.body}); ${stateOf(child)}${causes.join('')}`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** A child process of the system: started, killed and restarted by the harness, its output kept in a log file. */
export class ManagedProcess {
  private child: ChildProcess | null = null;
  private log: WriteStream | null = null;
  exited = true;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  private exitPromise: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly entry: string,
    readonly env: Record<string, string>,
    readonly logFile: string,
    /** Flags for node before the entry point, e.g. --cpu-prof (which NODE_OPTIONS does not accept). */
    readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (!this.exited) throw new Error(`${this.name} is already running`);
    this.log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...this.nodeArgs, '--enable-source-maps', path.join(ROOT, this.entry)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    this.exited = false;
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        this.log?.end();
        resolve();
      });
    });
  }

  /** Sends a signal and waits for the process to be gone (SIGKILL after `graceMs` for a polite signal). */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (this.exited || !this.child) return;
    this.child.kill(signal);
    if (signal !== 'SIGKILL') {
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
      await this.exitPromise;
      clearTimeout(timer);
    } else {
      await this.exitPromise;
    }
  }
}
