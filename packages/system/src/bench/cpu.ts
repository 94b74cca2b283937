import { readdirSync, readFileSync } from 'node:fs';

// Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used (user + system), or 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine, summed over its cores. */
function machineSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idle! + iowait!) / TICKS_PER_SECOND };
}

function pidsWhere(match: (comm: string, cmdline: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (match(comm, cmdline)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Every PostgreSQL process on the machine (its backends included), and the Kafka broker's JVM. */
export const postgresPids = (): number[] => pidsWhere((comm) => comm === 'postgres');
export const kafkaPids = (): number[] => pidsWhere((comm, cmdline) => comm === 'java' && cmdline.includes('kafka.Kafka'));

export interface CpuGroup {
  name: string;
  /** Looked up at each snapshot: PostgreSQL starts a backend per connection. */
  pids: () => number[];
}

export interface CpuShare {
  name: string;
  /** Cores used on average over the interval (1.0 = one core fully busy). */
  cores: number;
}

/**
 * Where the machine's CPU went between `start()` and `stop()`: per group of processes, and the rest
 * (other people's work on the shared machine, the kernel's own threads). A process that ends within
 * the interval takes its time with it, so groups count long-lived processes.
 */
export function cpuMeter(groups: CpuGroup[]): {
  start(): void;
  stop(): { shares: CpuShare[]; machineCores: number; machineBusy: number; seconds: number };
} {
  let before: { at: number; machine: { busy: number; total: number }; byGroup: Array<Map<number, number>> } | undefined;
  const snapshot = () => groups.map((g) => new Map(g.pids().map((pid) => [pid, cpuSecondsOf(pid)])));
  return {
    start() {
      before = { at: Date.now(), machine: machineSeconds(), byGroup: snapshot() };
    },
    stop() {
      if (!before) throw new Error('cpuMeter.stop() before start()');
      const seconds = (Date.now() - before.at) / 1000;
      const machine = machineSeconds();
      const shares = groups.map((group, i) => {
        let used = 0;
        for (const pid of group.pids()) used += cpuSecondsOf(pid) - (before!.byGroup[i]!.get(pid) ?? 0);
        return { name: group.name, cores: used / seconds };
      });
      const machineBusy = (machine.busy - before.machine.busy) / seconds;
      const machineCores = (machine.total - before.machine.total) / seconds;
      return { shares, machineCores, machineBusy, seconds };
    },
  };
}
