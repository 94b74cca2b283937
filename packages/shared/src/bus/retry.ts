import { type BusMessage, type DeliveredMessage, type SubscribeOptions, deadLetterTopicOf, DEFAULT_MAX_ATTEMPTS } from './bus';
import { ContractViolation } from '../events/envelope';

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before attempt n (n ≥ 2). */
  backoffMs: (attempt: number) => number;
}

export const defaultRetryPolicy = (maxAttempts = DEFAULT_MAX_ATTEMPTS): RetryPolicy => ({
  maxAttempts,
  backoffMs: (attempt) => Math.min(50 * 2 ** (attempt - 2), 2000),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a handler with bounded retries. A message that still fails is turned into a dead letter
 * (returned for the caller to publish), so one poison message cannot stall its partition.
 * A contract violation is not retried: no number of attempts will make it valid.
 */
export async function handleWithRetries(
  message: DeliveredMessage,
  handle: (message: DeliveredMessage) => Promise<void>,
  policy: RetryPolicy,
  groupId: string,
  onError: (error: unknown, attempt: number) => void,
): Promise<BusMessage | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      await handle(message);
      return null;
    } catch (error) {
      onError(error, attempt);
      if (error instanceof ContractViolation || attempt >= policy.maxAttempts) return deadLetter(message, groupId, error, attempt);
      await sleep(policy.backoffMs(attempt + 1));
    }
  }
}

/**
 * Runs consecutive messages of one partition through the subscription: all at once through its
 * `handleBatch` when it has one, else (or when the batch fails) one by one with retries. Returns the
 * dead letters to publish, in order.
 */
export async function handleBatchWithRetries(
  messages: DeliveredMessage[],
  subscription: Pick<SubscribeOptions, 'handle' | 'handleBatch'>,
  policy: RetryPolicy,
  groupId: string,
  onError: (error: unknown, attempt: number, batchSize?: number) => void,
): Promise<BusMessage[]> {
  if (subscription.handleBatch && messages.length > 1) {
    try {
      await subscription.handleBatch(messages);
      return [];
    } catch (error) {
      onError(error, 1, messages.length);
    }
  }
  const dead: BusMessage[] = [];
  for (const message of messages) {
    const letter = await handleWithRetries(message, subscription.handle, policy, groupId, onError);
    if (letter) dead.push(letter);
  }
  return dead;
}

export function deadLetter(message: DeliveredMessage, groupId: string, error: unknown, attempts: number): BusMessage {
  return {
    topic: deadLetterTopicOf(message.topic),
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      'dead-letter-group': groupId,
      'dead-letter-error': error instanceof Error ? error.message.slice(0, 1000) : String(error),
      'dead-letter-attempts': String(attempts),
      'dead-letter-origin': `${message.topic}/${message.partition}/${message.offset}`,
    },
  };
}
