import { appendFile, mkdir, readdir, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_MAX_BATCH, type BusMessage, type DeliveredMessage, type EventBus, type SubscribeOptions, type Subscription } from './bus';
import { defaultRetryPolicy, handleBatchWithRetries } from './retry';
import { partitionOf } from './partitioner';

interface Partition {
  log: BusMessage[];
  waiters: Array<() => void>;
}

interface Member {
  id: number;
  topics: Set<string>;
  subscription: SubscribeOptions;
  /** The deliveries this member is working on; leaving waits for them, as a Kafka consumer's disconnect does. */
  inFlight: Set<Promise<void>>;
}

interface Group {
  id: string;
  members: Member[];
  /** Next offset to deliver, per "topic/partition"; moved only after the handler succeeded. */
  offsets: Map<string, number>;
  pumps: Set<string>;
}

export interface InProcessBusOptions {
  partitions?: number;
  /** When set, the log and the committed offsets are kept in files here and survive a restart. */
  journalDir?: string;
  logger?: Logger;
}

/**
 * The embedded bus: Kafka's semantics in one process. Topics are split into partitions by key,
 * each partition is handled in order by one member of each consumer group, offsets move only
 * after a message is handled (at-least-once), failures are retried and then dead-lettered.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): EventBus {
  const partitionCount = options.partitions ?? 4;
  const topics = new Map<string, Partition[]>();
  const groups = new Map<string, Group>();
  let nextMemberId = 1;
  let running = false;
  let journalLoaded = false;
  let offsetsDirty = false;
  let offsetFlush: NodeJS.Timeout | undefined;
  /** Journal writes, one at a time: concurrent appends would interleave in the file or land in another order than in memory. */
  let journalWrites: Promise<unknown> = Promise.resolve();

  const journal = options.journalDir;
  const logFile = (topic: string) => path.join(journal!, `${topic}.ndjson`);
  const offsetsFile = () => path.join(journal!, 'offsets.json');

  function partitionsOf(topic: string): Partition[] {
    let partitions = topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: partitionCount }, () => ({ log: [], waiters: [] }));
      topics.set(topic, partitions);
    }
    return partitions;
  }

  function append(message: BusMessage): void {
    const partition = partitionsOf(message.topic)[partitionOf(message.key, partitionCount)]!;
    partition.log.push(message);
    for (const wake of partition.waiters.splice(0)) wake();
  }

  function wakeAll(): void {
    for (const partitions of topics.values()) for (const p of partitions) for (const wake of p.waiters.splice(0)) wake();
  }

  async function loadJournal(): Promise<void> {
    if (!journal) return;
    await mkdir(journal, { recursive: true });
    for (const file of await readdir(journal)) {
      if (!file.endsWith('.ndjson')) continue;
      const logPath = path.join(journal, file);
      let text = await readFile(logPath, 'utf8');
      // A crash mid-append leaves a torn last line. Its publish never completed, so the outbox still
      // holds those events and will publish them again: the torn tail is cut off, not replayed.
      if (text && !text.endsWith('\n')) {
        text = text.slice(0, text.lastIndexOf('\n') + 1);
        await truncate(logPath, Buffer.byteLength(text));
      }
      for (const line of text.split('\n')) if (line) append(JSON.parse(line) as BusMessage);
    }
    if (existsSync(offsetsFile())) {
      const saved = JSON.parse(await readFile(offsetsFile(), 'utf8')) as Record<string, Record<string, number>>;
      for (const [groupId, offsets] of Object.entries(saved)) groupOf(groupId).offsets = new Map(Object.entries(offsets));
    }
  }

  /** Written aside and renamed, so a crash mid-write never leaves a torn offsets file that would stop the next start. */
  function saveOffsets(): Promise<void> {
    const save = journalWrites.then(async () => {
      if (!journal || !offsetsDirty) return;
      offsetsDirty = false;
      const saved = Object.fromEntries([...groups.values()].map((g) => [g.id, Object.fromEntries(g.offsets)]));
      try {
        await writeFile(`${offsetsFile()}.next`, JSON.stringify(saved));
        await rename(`${offsetsFile()}.next`, offsetsFile());
      } catch (error) {
        offsetsDirty = true;
        options.logger?.warn({ err: error }, 'could not save consumer offsets; will retry');
      }
    });
    journalWrites = save;
    return save;
  }

  function groupOf(groupId: string): Group {
    let group = groups.get(groupId);
    if (!group) {
      group = { id: groupId, members: [], offsets: new Map(), pumps: new Set() };
      groups.set(groupId, group);
    }
    return group;
  }

  /** Partition i of a topic goes to the i-th member (round robin) among those subscribed to it. */
  function assignee(group: Group, topic: string, partition: number): Member | undefined {
    const candidates = group.members.filter((m) => m.topics.has(topic));
    return candidates[partition % Math.max(candidates.length, 1)];
  }

  async function pump(group: Group, topic: string, index: number): Promise<void> {
    const key = `${topic}/${index}`;
    const partition = partitionsOf(topic)[index]!;
    while (running) {
      const member = assignee(group, topic, index);
      if (!member) break;
      const offset = group.offsets.get(key) ?? 0;
      // One message, or as many as wait (up to the batch size) for a member that handles batches.
      const size = member.subscription.handleBatch ? (member.subscription.maxBatch ?? DEFAULT_MAX_BATCH) : 1;
      const messages = partition.log.slice(offset, offset + size);
      if (messages.length === 0) {
        await new Promise<void>((resolve) => partition.waiters.push(resolve));
        continue;
      }
      const delivered: DeliveredMessage[] = messages.map((message, i) => ({ ...message, partition: index, offset: String(offset + i) }));
      const delivery = (async () => {
        const dead = await handleBatchWithRetries(
          delivered,
          member.subscription,
          defaultRetryPolicy(member.subscription.maxAttempts),
          group.id,
          (error, attempt, batchSize) =>
            options.logger?.warn(
              { err: error, topic, partition: index, offset, attempt, batchSize, group: group.id },
              batchSize ? 'event batch failed; handling its events one by one' : 'event handler failed',
            ),
        );
        // Stopped meanwhile: not committed, so it is delivered again after a restart.
        if (!running) return;
        if (dead.length > 0) await publish(dead);
        // A member that left while the messages were in flight hands the partition on; the next owner starts here.
        group.offsets.set(key, offset + messages.length);
        offsetsDirty = true;
      })();
      member.inFlight.add(delivery);
      try {
        await delivery;
      } finally {
        member.inFlight.delete(delivery);
      }
    }
    group.pumps.delete(key);
  }

  function ensurePumps(group: Group): void {
    for (const member of group.members) {
      for (const topic of member.topics) {
        for (let i = 0; i < partitionCount; i++) {
          const key = `${topic}/${i}`;
          if (group.pumps.has(key)) continue;
          group.pumps.add(key);
          void pump(group, topic, i);
        }
      }
    }
  }

  async function publish(messages: BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!journal) {
      for (const m of messages) append(m);
      return;
    }
    // Offsets are positions in the log, so the file must keep exactly the order the memory has.
    const write = journalWrites.then(async () => {
      const byTopic = new Map<string, string[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), JSON.stringify(m)]);
      for (const [topic, lines] of byTopic) await appendFile(logFile(topic), `${lines.join('\n')}\n`);
      for (const m of messages) append(m);
    });
    journalWrites = write.catch(() => undefined);
    await write;
  }

  return {
    kind: 'in-process',
    async start() {
      if (running) return;
      // Once per bus: after a stop the log is still in memory, loading it again would duplicate it.
      if (!journalLoaded) await loadJournal();
      journalLoaded = true;
      running = true;
      if (journal) offsetFlush = setInterval(() => void saveOffsets(), 100);
      for (const group of groups.values()) ensurePumps(group);
    },
    async stop() {
      running = false;
      wakeAll();
      if (offsetFlush) clearInterval(offsetFlush);
      await saveOffsets();
    },
    async ready() {
      return running;
    },
    publish,
    async backlog() {
      let waiting = 0;
      for (const group of groups.values()) {
        const subscribed = new Set(group.members.flatMap((m) => [...m.topics]));
        for (const topic of subscribed)
          partitionsOf(topic).forEach((partition, i) => (waiting += partition.log.length - (group.offsets.get(`${topic}/${i}`) ?? 0)));
      }
      return waiting;
    },
    async subscribe(subscription: SubscribeOptions): Promise<Subscription> {
      const group = groupOf(subscription.groupId);
      const member: Member = { id: nextMemberId++, topics: new Set(subscription.topics), subscription, inFlight: new Set() };
      for (const topic of subscription.topics) {
        partitionsOf(topic);
        if (subscription.fromBeginning === false) {
          for (let i = 0; i < partitionCount; i++) {
            const key = `${topic}/${i}`;
            if (!group.offsets.has(key)) group.offsets.set(key, partitionsOf(topic)[i]!.log.length);
          }
        }
      }
      group.members.push(member);
      if (running) ensurePumps(group);
      return {
        async stop() {
          group.members = group.members.filter((m) => m !== member);
          wakeAll();
          await Promise.allSettled(member.inFlight);
        },
      };
    },
  };
}
