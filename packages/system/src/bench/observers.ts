import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { ComplaintReceived, EVENT_HEADERS, WorkOrderDispatched } from '@hotline/shared';
import type { DispatchMarks } from './journeys';

/** What an observer reports: work orders as they are seen, and (where the bus stamps messages) when complaints were announced. */
export interface Sink {
  dispatched(complaintId: string, seenAt: number, marks: DispatchMarks): void;
  received(complaintId: string, producedAt: number): void;
}

export interface DispatchObserver {
  stop(): Promise<void>;
}

/** The complaint and handling time of a bus message's envelope, when it is a WorkOrderDispatched. */
function dispatchedOf(type: string | undefined, value: string): { complaintId: string; handledAt: number } | null {
  if (type !== WorkOrderDispatched.type) return null;
  const { data } = JSON.parse(value) as { data: { complaintId: string; dispatchedAt: string } };
  return { complaintId: data.complaintId, handledAt: Date.parse(data.dispatchedAt) };
}

/**
 * Distributed mode: a consumer group of its own on the deployment's intake and dispatch topics, from
 * the beginning (the topics are new with the deployment), joined before the load starts. Kafka
 * stamps each message with the time its producer sent it, which splits a complaint's way into legs.
 */
export async function observeKafka(brokers: string[], namespace: string, sink: Sink): Promise<DispatchObserver> {
  const kafka = new Kafka({ clientId: 'bench-observer', brokers, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: `${namespace}.bench-observer` });
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({
    topics: [ComplaintReceived.topic, WorkOrderDispatched.topic].map((t) => `${namespace}.${t}`),
    fromBeginning: true,
  });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      const seenAt = performance.now();
      for (const message of batch.messages) {
        const type = message.headers?.[EVENT_HEADERS.type]?.toString();
        if (type === ComplaintReceived.type) {
          sink.received(message.key?.toString() ?? '', Number(message.timestamp));
          continue;
        }
        const dispatched = dispatchedOf(type, message.value?.toString() ?? '');
        if (dispatched)
          sink.dispatched(dispatched.complaintId, seenAt, { handledAt: dispatched.handledAt, producedAt: Number(message.timestamp) });
      }
    },
  });
  await joined;
  return { stop: () => consumer.disconnect() };
}

/**
 * Embedded mode: the in-process bus keeps its log under DATA_DIR/bus, one NDJSON file per topic,
 * appended before a message is delivered to any consumer. Following the dispatch topic's file from
 * outside the process sees each event at the moment the bus accepted it, without a hook into the
 * process.
 */
export function observeJournal(busDir: string, sink: Sink): DispatchObserver {
  const fileName = `${WorkOrderDispatched.topic}.ndjson`;
  let position = 0;
  let partial = '';
  let reading: Promise<void> | null = null;
  let again = false;

  async function readNew(): Promise<void> {
    const file = await open(path.join(busDir, fileName)).catch(() => null);
    if (!file) return;
    try {
      const { size } = await file.stat();
      while (position < size) {
        const buffer = Buffer.alloc(Math.min(size - position, 4 << 20));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const seenAt = performance.now();
        const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line) continue;
          const message = JSON.parse(line) as { value: string; headers: Record<string, string> };
          const dispatched = dispatchedOf(message.headers[EVENT_HEADERS.type], message.value);
          if (dispatched) sink.dispatched(dispatched.complaintId, seenAt, { handledAt: dispatched.handledAt });
        }
      }
    } finally {
      await file.close();
    }
  }

  // One read at a time; a change during a read is picked up by one more read after it.
  function kick(): void {
    if (reading) {
      again = true;
      return;
    }
    reading = readNew()
      .catch((error: unknown) => console.error(`reading ${fileName}: ${(error as Error).message}`))
      .finally(() => {
        reading = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  const watcher: FSWatcher = watch(busDir, (_event, changed) => {
    if (changed === fileName) kick();
  });
  return {
    async stop() {
      watcher.close();
      await reading;
    },
  };
}
