/** A message on the bus: Kafka's shape, whichever implementation carries it. */
export interface BusMessage {
  topic: string;
  /** Messages with the same key keep their order. */
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A message as a consumer receives it, with where it came from. */
export interface DeliveredMessage extends BusMessage {
  partition: number;
  offset: string;
}

export interface SubscribeOptions {
  /** Members of one group share the partitions; each group sees every message. */
  groupId: string;
  topics: string[];
  /**
   * Handles one message. Throwing means "not handled": it is retried, and after `maxAttempts`
   * it goes to the dead-letter topic so the messages behind it keep flowing.
   */
  handle: (message: DeliveredMessage) => Promise<void>;
  /**
   * Handles consecutive messages of one partition together, in order (one transaction for all, say).
   * Throwing means none of them was handled: each is then handled alone by `handle`, with its retries
   * and dead letter, so a poison message costs its batch one more pass and stops nothing behind it.
   */
  handleBatch?: (messages: DeliveredMessage[]) => Promise<void>;
  /** The most messages given to `handleBatch` at once (default 100). */
  maxBatch?: number;
  /**
   * How many partitions' messages may be in the handlers at once (Kafka; default: the bus's partition
   * count). The in-process bus hands every partition over independently.
   */
  partitionsAtOnce?: number;
  maxAttempts?: number;
  /** Start from the beginning of the topic the first time this group is seen (default true). */
  fromBeginning?: boolean;
}

export interface Subscription {
  stop(): Promise<void>;
}

/**
 * The event bus. Two implementations keep the same semantics: topics, keys with per-key order,
 * consumer groups, at-least-once delivery, bounded retries, a dead-letter topic.
 */
export interface EventBus {
  readonly kind: 'in-process' | 'kafka';
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): Promise<boolean>;
  /** Resolves when every message is durably accepted by the bus, in order per key. */
  publish(messages: BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Messages not yet handled by a consumer group that subscribes to their topic, summed over groups
   * (the in-process bus; for Kafka, read the consumer groups' lag with the admin client).
   */
  backlog?(): Promise<number>;
}

export const DEAD_LETTER_SUFFIX = '.dead-letter';
export const deadLetterTopicOf = (topic: string): string => `${topic}${DEAD_LETTER_SUFFIX}`;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_MAX_BATCH = 100;
