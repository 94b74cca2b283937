import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../testing';
import type { BusMessage, DeliveredMessage } from './bus';
import { createInProcessBus } from './in-process';

const TOPIC = 'hotline.test.events';
const message = (key: string, value: string): BusMessage => ({ topic: TOPIC, key, value, headers: {} });

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('in-process bus with a journal', () => {
  let journalDir: string;

  beforeEach(() => {
    journalDir = mkdtempSync(path.join(os.tmpdir(), 'hotline-bus-'));
  });
  afterEach(() => {
    rmSync(journalDir, { recursive: true, force: true });
  });

  it('given a bus stopped with one message in hand and one not yet reached, when re-created on the same folder, then it delivers exactly those two, in order', async () => {
    const before = createInProcessBus({ journalDir });
    await before.start();
    const handledBefore: string[] = [];
    const holding = gate();
    let holdingC = false;
    await before.subscribe({
      groupId: 'dispatch',
      topics: [TOPIC],
      handle: async (m) => {
        if (m.value === 'c') {
          holdingC = true;
          await holding.opened;
        }
        handledBefore.push(m.value);
      },
    });
    await before.publish([message('case-1', 'a'), message('case-1', 'b'), message('case-1', 'c'), message('case-1', 'd')]);
    await waitFor(() => holdingC, 'the handler to be in the middle of c');
    await before.stop();
    holding.open();
    expect(handledBefore.slice(0, 2)).toEqual(['a', 'b']);

    const after = createInProcessBus({ journalDir });
    await after.start();
    const handledAfter: string[] = [];
    await after.subscribe({ groupId: 'dispatch', topics: [TOPIC], handle: async (m) => void handledAfter.push(m.value) });
    await after.publish([message('case-1', 'e')]);

    await waitFor(() => handledAfter.includes('e'), 'the new message');
    expect(handledAfter).toEqual(['c', 'd', 'e']);
    await after.stop();
  });

  it('given a group that handled everything, when the bus is re-created, then nothing is replayed to it while a new group still reads the whole history', async () => {
    const before = createInProcessBus({ journalDir });
    await before.start();
    const handled: string[] = [];
    await before.subscribe({ groupId: 'done', topics: [TOPIC], handle: async (m) => void handled.push(m.value) });
    await before.publish([message('a', '1'), message('b', '2'), message('c', '3')]);
    await waitFor(() => handled.length === 3, 'the history handled');
    await before.stop();

    const after = createInProcessBus({ journalDir });
    await after.start();
    const replayed: string[] = [];
    const fresh: string[] = [];
    await after.subscribe({ groupId: 'done', topics: [TOPIC], handle: async (m) => void replayed.push(m.value) });
    await after.subscribe({ groupId: 'fresh', topics: [TOPIC], handle: async (m) => void fresh.push(m.value) });
    await after.publish([message('a', '4')]);

    await waitFor(() => replayed.includes('4') && fresh.length === 4, 'both groups to catch up');
    expect(replayed).toEqual(['4']);
    expect(fresh.sort()).toEqual(['1', '2', '3', '4']);
    await after.stop();
  });

  it('given many concurrent publishes, when the bus is re-created, then the journal holds them in the order they were delivered, so offsets still mean the same messages', async () => {
    const before = createInProcessBus({ journalDir });
    await before.start();
    const firstRun: DeliveredMessage[] = [];
    await before.subscribe({ groupId: 'first', topics: [TOPIC], handle: async (m) => void firstRun.push(m) });
    const values = Array.from({ length: 60 }, (_, i) => `v${i}`);
    // One publish call per message, all in flight at once; some are large, so their writes take longer than the small ones after them.
    await Promise.all(
      values.map((v, i) =>
        before.publish([{ ...message(`k${i % 3}`, v), headers: { padding: 'x'.repeat(i % 10 === 0 ? 1_500_000 : 10) } }]),
      ),
    );
    await waitFor(() => firstRun.length === values.length, 'the first run');
    await before.stop();

    const after = createInProcessBus({ journalDir });
    await after.start();
    const secondRun: DeliveredMessage[] = [];
    await after.subscribe({ groupId: 'second', topics: [TOPIC], handle: async (m) => void secondRun.push(m) });
    await waitFor(() => secondRun.length === values.length, 'the replay');

    const positions = (run: DeliveredMessage[]) => run.map((m) => `${m.partition}/${m.offset}=${m.value}`).sort();
    expect(positions(secondRun)).toEqual(positions(firstRun));
    // Each key is in publishing order: call i was made before call i + 3.
    for (const key of ['k0', 'k1', 'k2']) {
      const order = firstRun.filter((m) => m.key === key).map((m) => Number(m.value.slice(1)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    await after.stop();
  });

  it('given a bus stopped and started again in the same process, then its history is not loaded twice', async () => {
    const bus = createInProcessBus({ journalDir });
    await bus.start();
    await bus.publish([message('k', 'only-once')]);
    await bus.stop();
    await bus.start();

    const seen: string[] = [];
    await bus.subscribe({ groupId: 'g', topics: [TOPIC], handle: async (m) => void seen.push(m.value) });
    await bus.publish([message('k', 'marker')]);

    await waitFor(() => seen.includes('marker'), 'the marker');
    expect(seen).toEqual(['only-once', 'marker']);
    await bus.stop();
  });

  it('given a journal whose last line was torn by a crash mid-write, when the bus starts, then it drops the torn tail and goes on appending cleanly', async () => {
    const before = createInProcessBus({ journalDir });
    await before.start();
    await before.publish([message('case-1', 'a')]);
    await before.stop();
    const [logFile] = readdirSync(journalDir).filter((f) => f.endsWith('.ndjson'));
    appendFileSync(path.join(journalDir, logFile!), '{"topic":"torn');

    const after = createInProcessBus({ journalDir });
    await after.start();
    await after.publish([message('case-1', 'b')]);
    const handled: string[] = [];
    await after.subscribe({ groupId: 'analytics', topics: [TOPIC], handle: async (m) => void handled.push(m.value) });
    await waitFor(() => handled.length === 2, 'both whole messages');
    expect(handled).toEqual(['a', 'b']);
    await after.stop();

    const again = createInProcessBus({ journalDir });
    await expect(again.start()).resolves.toBeUndefined();
    await again.stop();
  });
});
