import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../processes';
import { table } from './stats';

/** The V8 CPU profile that `node --cpu-prof` writes. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Who owns a piece of code: a package under node_modules, the project's own folder, Node itself, or V8's pseudo-frames. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const local = url.replace(/^file:\/\//, '');
  if (local.startsWith(ROOT)) {
    const parts = path.relative(ROOT, local).split(path.sep);
    // services/intake/dist/… → services/intake; gateway/dist/… → gateway
    return parts[0] === 'gateway' ? 'gateway' : parts.slice(0, 2).join('/');
  }
  return local;
}

export interface ProfileSummary {
  /** Sampled milliseconds, idle included. */
  totalMs: number;
  idleMs: number;
  /** Self time per owner, largest first. */
  byOwner: Array<{ owner: string; ms: number }>;
  /** Self time per function, largest first. */
  byFunction: Array<{ name: string; owner: string; ms: number }>;
  /** Time in the project's own functions including what they call, largest first. */
  inclusive: Array<{ name: string; owner: string; ms: number }>;
}

const label = (frame: { functionName: string; url: string; lineNumber: number }) =>
  `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1}`;

/**
 * Sums a profile's samples, only those taken within `window` when given: V8 stamps samples in
 * microseconds of the monotonic clock, the clock `process.hrtime` reads in every process on the
 * machine, so the benchmark's window cuts away start-up (migrations, demo data) and shutdown.
 */
export function summariseProfile(file: string, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfMs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfMs.set(id, (selfMs.get(id) ?? 0) + delta / 1000);
  });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const owners = new Map<string, number>();
  const functions = new Map<string, { name: string; owner: string; ms: number }>();
  const inclusive = new Map<string, { name: string; owner: string; ms: number }>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') idleMs += ms;
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const name = label(node.callFrame);
    const entry = functions.get(name) ?? { name, owner, ms: 0 };
    entry.ms += ms;
    functions.set(name, entry);
    // Charge the sample to each distinct project function on its stack (once, however deep the recursion).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const frameOwner = ownerOf(frame.url, frame.functionName);
      if (!/^(services\/|packages\/|gateway$)/.test(frameOwner)) continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      const acc = inclusive.get(key) ?? { name: key, owner: frameOwner, ms: 0 };
      acc.ms += ms;
      inclusive.set(key, acc);
    }
  }
  const sorted = <T extends { ms: number }>(values: Iterable<T>) => [...values].sort((a, b) => b.ms - a.ms);
  return {
    totalMs,
    idleMs,
    byOwner: sorted([...owners].map(([owner, ms]) => ({ owner, ms }))),
    byFunction: sorted(functions.values()),
    inclusive: sorted(inclusive.values()),
  };
}

/** A profile as text: busy share, the owners and functions that took the most, and the project's costliest calls. */
export function formatProfile(processName: string, summary: ProfileSummary, top = 10): string {
  const busy = summary.totalMs - summary.idleMs;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1)} %`;
  const rows = (items: Array<{ name?: string; owner: string; ms: number }>) =>
    items.slice(0, top).map((i) => [i.name ?? i.owner, ...(i.name ? [i.owner] : []), pct(i.ms)]);
  return [
    `### ${processName}: busy ${(busy / 1000).toFixed(1)} s of ${(summary.totalMs / 1000).toFixed(1)} s sampled`,
    // V8 samples on a wall-clock timer: a thread waiting for a core is sampled where it stopped.
    'Shares are of non-idle samples. On a saturated machine a thread that wakes another process (a write to a loopback socket) often loses its core there, so writev/writeBuffer stand for "waiting for a core" as much as for work.',
    '',
    'self time by owner (share of busy time)',
    table(['owner', 'self'], rows(summary.byOwner.filter((o) => o.owner !== '(idle)'))),
    '',
    'self time by function',
    table(['function', 'owner', 'self'], rows(summary.byFunction.filter((f) => f.owner !== '(idle)'))),
    '',
    "the project's own functions, including what they call",
    table(['function', 'owner', 'total'], rows(summary.inclusive)),
  ].join('\n');
}
