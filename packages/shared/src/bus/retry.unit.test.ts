import { ContractViolation } from '../events/envelope';
import type { DeliveredMessage } from './bus';
import { deadLetter, defaultRetryPolicy, handleWithRetries, type RetryPolicy } from './retry';

const delivered: DeliveredMessage = {
  topic: 'hotline.intake.events',
  key: 'c-1',
  value: '{}',
  headers: { 'event-id': 'e-1' },
  partition: 2,
  offset: '17',
};
const fast = (maxAttempts: number): RetryPolicy => ({ maxAttempts, backoffMs: () => 0 });

describe('handleWithRetries', () => {
  it('given a handler that succeeds, then it runs once and there is no dead letter', async () => {
    const handle = jest.fn(async () => undefined);
    expect(await handleWithRetries(delivered, handle, fast(3), 'g', () => undefined)).toBeNull();
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('given a handler that keeps failing, then it runs maxAttempts times, each failure is reported, and a dead letter comes back', async () => {
    const reported: number[] = [];
    const handle = jest.fn(async () => {
      throw new Error('still broken');
    });

    const dead = await handleWithRetries(delivered, handle, fast(4), 'dispatch', (_, attempt) => reported.push(attempt));

    expect(handle).toHaveBeenCalledTimes(4);
    expect(reported).toEqual([1, 2, 3, 4]);
    expect(dead?.headers['dead-letter-attempts']).toBe('4');
  });

  it('given a contract violation, then it is not retried', async () => {
    const handle = jest.fn(async () => {
      throw new ContractViolation('bad payload');
    });

    const dead = await handleWithRetries(delivered, handle, fast(5), 'dispatch', () => undefined);

    expect(handle).toHaveBeenCalledTimes(1);
    expect(dead?.headers['dead-letter-error']).toBe('bad payload');
  });
});

describe('deadLetter', () => {
  it('given a failed message, then it goes to the dead-letter topic with its key, body, headers and where it came from', () => {
    expect(deadLetter(delivered, 'dispatch', new Error('boom'), 5)).toEqual({
      topic: 'hotline.intake.events.dead-letter',
      key: 'c-1',
      value: '{}',
      headers: {
        'event-id': 'e-1',
        'dead-letter-group': 'dispatch',
        'dead-letter-error': 'boom',
        'dead-letter-attempts': '5',
        'dead-letter-origin': 'hotline.intake.events/2/17',
      },
    });
  });

  it('given a huge error message or a thrown non-error, then the header stays bounded and readable', () => {
    expect(deadLetter(delivered, 'g', new Error('x'.repeat(5000)), 1).headers['dead-letter-error']).toHaveLength(1000);
    expect(deadLetter(delivered, 'g', 'plain string', 1).headers['dead-letter-error']).toBe('plain string');
  });
});

describe('defaultRetryPolicy', () => {
  it('given the default, then five attempts with backoff doubling from 50 ms and capped at 2 s', () => {
    const policy = defaultRetryPolicy();
    expect(policy.maxAttempts).toBe(5);
    expect([2, 3, 4, 5, 10].map(policy.backoffMs)).toEqual([50, 100, 200, 400, 2000]);
  });
});
