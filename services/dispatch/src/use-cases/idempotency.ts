import { badInput, type Caller } from '@hotline/shared';
import type { z } from 'zod';
import type { DispatchStore, DispatchTx } from '../store/dispatch-store';

/** Thrown inside a transaction to roll it back when another attempt under the same key got there first. */
class KeyTaken extends Error {}

/**
 * Runs a command once per (caller, key): a retry gets the first result back and changes nothing. The
 * key is stored in the command's transaction, so a result is kept exactly when its effect is. `codec`
 * reads a stored result back (JSON keeps dates as strings).
 */
export async function runIdempotent<T>(
  deps: { store: DispatchStore; now: () => Date; published: () => void },
  caller: Caller,
  operation: string,
  key: string,
  codec: z.ZodType<T>,
  run: (tx: DispatchTx) => Promise<T>,
): Promise<T> {
  const earlier = async (): Promise<T | null> => {
    const stored = await deps.store.idempotentResult(caller.sub, key);
    if (!stored) return null;
    if (stored.operation !== operation)
      throw badInput('idempotencyKey', `was already used for ${stored.operation}; use a new key for a new command`);
    return codec.parse(stored.result);
  };
  const first = await earlier();
  if (first !== null) return first;
  try {
    const result = await deps.store.transaction(async (tx) => {
      const value = await run(tx);
      const saved = await deps.store.saveIdempotentResult(tx, {
        actor: caller.sub,
        key,
        operation,
        result: JSON.parse(JSON.stringify(value)),
        createdAt: deps.now(),
      });
      if (!saved) throw new KeyTaken();
      return value;
    });
    deps.published();
    return result;
  } catch (error) {
    // A concurrent attempt under the same key committed first: its result is this one's too.
    const replay = await earlier();
    if (replay !== null) return replay;
    throw error;
  }
}
