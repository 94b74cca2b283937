import { ContractViolation } from '../events/envelope';
import { waitFor } from '../testing';
import type { BusMessage, DeliveredMessage, EventBus } from './bus';
import { createInProcessBus } from './in-process';
import { partitionOf } from './partitioner';

const TOPIC = 'hotline.test.events';
const message = (key: string, value: string, headers: Record<string, string> = {}): BusMessage => ({ topic: TOPIC, key, value, headers });

/** A gate a handler can wait on, opened by the test. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('in-process bus', () => {
  let bus: EventBus;

  beforeEach(async () => {
    bus = createInProcessBus({ partitions: 4 });
    await bus.start();
  });
  afterEach(async () => {
    await bus.stop();
  });

  it('given messages of many keys published concurrently, then each key arrives in its own partition in publishing order', async () => {
    const seen: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: 'order', topics: [TOPIC], handle: async (m) => void seen.push(m) });
    const keys = Array.from({ length: 12 }, (_, i) => `complaint-${i}`);

    // Several producers at once, each publishing every key's events one call at a time.
    await Promise.all(
      [0, 1, 2].map(async (producer) => {
        for (let n = 0; n < 5; n++) await bus.publish(keys.map((key) => message(key, `${key}:${producer}:${n}`)));
      }),
    );
    await waitFor(() => seen.length === keys.length * 15, 'every message');

    for (const key of keys) {
      const mine = seen.filter((m) => m.key === key);
      expect(new Set(mine.map((m) => m.partition))).toEqual(new Set([partitionOf(key, 4)]));
      for (const producer of [0, 1, 2]) {
        expect(mine.map((m) => m.value).filter((v) => v.startsWith(`${key}:${producer}:`))).toEqual(
          [0, 1, 2, 3, 4].map((n) => `${key}:${producer}:${n}`),
        );
      }
      const offsets = mine.map((m) => Number(m.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it('given two consumer groups, then each group sees every message', async () => {
    const byGroup: Record<string, string[]> = { audit: [], analytics: [] };
    for (const groupId of Object.keys(byGroup))
      await bus.subscribe({ groupId, topics: [TOPIC], handle: async (m) => void byGroup[groupId]!.push(m.value) });

    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    await bus.publish(values.map((v, i) => message(`k${i % 7}`, v)));

    await waitFor(() => byGroup.audit!.length === 20 && byGroup.analytics!.length === 20, 'both groups to see everything');
    expect(byGroup.audit!.sort()).toEqual([...values].sort());
    expect(byGroup.analytics!.sort()).toEqual([...values].sort());
  });

  it('given two members of one group, then they split the partitions and together handle each message exactly once', async () => {
    const handled: Array<{ member: string; m: DeliveredMessage }> = [];
    for (const member of ['first', 'second'])
      await bus.subscribe({ groupId: 'workers', topics: [TOPIC], handle: async (m) => void handled.push({ member, m }) });

    await bus.publish(Array.from({ length: 60 }, (_, i) => message(`k${i}`, `v${i}`)));
    await waitFor(() => handled.length >= 60, 'all messages handled');

    expect(handled.map((h) => h.m.value).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `v${i}`).sort());
    const partitionsOf = (member: string) => new Set(handled.filter((h) => h.member === member).map((h) => h.m.partition));
    expect(partitionsOf('first').size).toBeGreaterThan(0);
    expect(partitionsOf('second').size).toBeGreaterThan(0);
    expect([...partitionsOf('first')].filter((p) => partitionsOf('second').has(p))).toEqual([]);
  });

  it('given a member that leaves mid-stream, then the other member takes over its partitions without loss or duplicates', async () => {
    const handled: Array<{ member: string; value: string }> = [];
    const holding = gate();
    let leaverHolds = false;
    const leaver = await bus.subscribe({
      groupId: 'workers',
      topics: [TOPIC],
      handle: async (m) => {
        // The leaving member is in the middle of a message when it is asked to leave.
        if (m.value.endsWith(':2')) {
          leaverHolds = true;
          await holding.opened;
        }
        handled.push({ member: 'leaver', value: m.value });
      },
    });
    await bus.subscribe({
      groupId: 'workers',
      topics: [TOPIC],
      handle: async (m) => void handled.push({ member: 'stayer', value: m.value }),
    });

    // One key per partition, ten messages each: both members own keys.
    const keys = [0, 1, 2, 3].map((p) => Array.from({ length: 100 }, (_, i) => `k${i}`).find((k) => partitionOf(k, 4) === p)!);
    await bus.publish(keys.flatMap((key) => Array.from({ length: 10 }, (_, n) => message(key, `${key}:${n}`))));

    await waitFor(() => leaverHolds, 'the leaving member to be mid-message');
    const left = leaver.stop();
    holding.open();
    await left;
    await waitFor(() => handled.length >= 40, 'every message handled');

    expect(handled.map((h) => h.value).sort()).toEqual(keys.flatMap((key) => Array.from({ length: 10 }, (_, n) => `${key}:${n}`)).sort());
    const held = handled.find((h) => h.value.endsWith(':2') && h.member === 'leaver')!.value;
    const heldKey = held.split(':')[0]!;
    const afterHeld = handled.filter((h) => h.value.startsWith(`${heldKey}:`) && Number(h.value.split(':')[1]) > 2);
    expect(afterHeld.map((h) => h.member)).toEqual(Array(7).fill('stayer'));
    expect(afterHeld.map((h) => h.value)).toEqual([3, 4, 5, 6, 7, 8, 9].map((n) => `${heldKey}:${n}`));
  });

  it('given a member handling a message, when it leaves, then leaving waits until that message is done (as a Kafka consumer disconnect does)', async () => {
    const holding = gate();
    let started = false;
    let finished = false;
    const member = await bus.subscribe({
      groupId: 'slow',
      topics: [TOPIC],
      handle: async () => {
        started = true;
        await holding.opened;
        finished = true;
      },
    });
    await bus.publish([message('k', 'v')]);
    await waitFor(() => started, 'the handler to start');

    let stopped = false;
    const stopping = member.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);

    holding.open();
    await stopping;
    expect(finished).toBe(true);
  });

  it('given a handler failing twice, then the message is retried and handled on the third attempt, not dead-lettered', async () => {
    let attempts = 0;
    const dead: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: 'watch', topics: [`${TOPIC}.dead-letter`], handle: async (m) => void dead.push(m) });
    await bus.subscribe({
      groupId: 'flaky',
      topics: [TOPIC],
      maxAttempts: 5,
      handle: async () => {
        attempts++;
        if (attempts < 3) throw new Error('database busy');
      },
    });

    await bus.publish([message('k', 'v')]);
    await waitFor(() => attempts === 3, 'the third attempt');
    await bus.publish([message('k', 'marker')]);
    await waitFor(() => attempts === 4, 'the next message');
    expect(dead).toEqual([]);
  });

  it('given a handler that always fails, then after maxAttempts the message lands on the dead-letter topic and the messages behind it keep flowing', async () => {
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    const dead: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: 'watch', topics: [`${TOPIC}.dead-letter`], handle: async (m) => void dead.push(m) });
    await bus.subscribe({
      groupId: 'strict',
      topics: [TOPIC],
      maxAttempts: 3,
      handle: async (m) => {
        attempts.set(m.value, (attempts.get(m.value) ?? 0) + 1);
        if (m.value === 'poison') throw new Error('cannot handle poison');
        handled.push(m.value);
      },
    });

    await bus.publish([
      message('case-1', 'before'),
      message('case-1', 'poison', { 'event-id': 'e-1' }),
      message('case-1', 'after-1'),
      message('case-1', 'after-2'),
    ]);

    await waitFor(() => handled.length === 3 && dead.length === 1, 'the rest of the partition and the dead letter');
    expect(handled).toEqual(['before', 'after-1', 'after-2']);
    expect(attempts.get('poison')).toBe(3);
    const letter = dead[0]!;
    expect(letter).toMatchObject({ topic: `${TOPIC}.dead-letter`, key: 'case-1', value: 'poison' });
    expect(letter.headers).toEqual({
      'event-id': 'e-1',
      'dead-letter-group': 'strict',
      'dead-letter-error': 'cannot handle poison',
      'dead-letter-attempts': '3',
      'dead-letter-origin': `${TOPIC}/${partitionOf('case-1', 4)}/1`,
    });
  });

  it('given a handler throwing a contract violation, then the message is dead-lettered after one attempt', async () => {
    let attempts = 0;
    const dead: DeliveredMessage[] = [];
    await bus.subscribe({ groupId: 'watch', topics: [`${TOPIC}.dead-letter`], handle: async (m) => void dead.push(m) });
    await bus.subscribe({
      groupId: 'strict',
      topics: [TOPIC],
      maxAttempts: 5,
      handle: async () => {
        attempts++;
        throw new ContractViolation('message is not JSON');
      },
    });

    await bus.publish([message('k', 'garbage')]);

    await waitFor(() => dead.length === 1, 'the dead letter');
    expect(attempts).toBe(1);
    expect(dead[0]!.headers).toMatchObject({ 'dead-letter-attempts': '1', 'dead-letter-error': 'message is not JSON' });
  });

  it('given history on the topic, when a new group subscribes with fromBeginning false, then it sees only what comes after', async () => {
    await bus.publish([message('k', 'old-1'), message('j', 'old-2')]);
    const late: string[] = [];
    const early: string[] = [];
    await bus.subscribe({ groupId: 'late', topics: [TOPIC], fromBeginning: false, handle: async (m) => void late.push(m.value) });
    await bus.subscribe({ groupId: 'early', topics: [TOPIC], handle: async (m) => void early.push(m.value) });

    await bus.publish([message('k', 'new')]);

    await waitFor(() => late.includes('new') && early.length === 3, 'both groups to catch up');
    expect(late).toEqual(['new']);
    expect(early.sort()).toEqual(['new', 'old-1', 'old-2']);
  });

  it('given a group that stopped and subscribes again, then it resumes after what it handled', async () => {
    const first: string[] = [];
    const member = await bus.subscribe({ groupId: 'resume', topics: [TOPIC], handle: async (m) => void first.push(m.value) });
    await bus.publish([message('k', 'a'), message('k', 'b')]);
    await waitFor(() => first.length === 2, 'the first two');
    await member.stop();

    await bus.publish([message('k', 'c')]);
    const second: string[] = [];
    await bus.subscribe({ groupId: 'resume', topics: [TOPIC], handle: async (m) => void second.push(m.value) });

    await waitFor(() => second.length === 1, 'the message published while away');
    expect(second).toEqual(['c']);
  });

  it('given a subscription made before the bus starts, then delivery begins at start and ready tells the state', async () => {
    const idle = createInProcessBus();
    const seen: string[] = [];
    await idle.subscribe({ groupId: 'g', topics: [TOPIC], handle: async (m) => void seen.push(m.value) });
    await idle.publish([message('k', 'queued')]);
    expect(await idle.ready()).toBe(false);

    await idle.start();
    expect(await idle.ready()).toBe(true);
    await waitFor(() => seen.length === 1, 'the queued message');
    await idle.stop();
    expect(await idle.ready()).toBe(false);
  });
});
