import { z } from 'zod';
import { newId } from '../ids';

/** The one envelope every event travels in, whatever its type. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z-]+){2,}$/, 'type is source.entity.happened'),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  district: z.string().min(1),
  /** The complaint the event is about: the partition key, so one case's events stay in order. */
  subject: z.string().min(1),
  actor: z.string().min(1),
  traceparent: z.string().optional(),
  data: z.unknown(),
});
export type Envelope<D = unknown> = Omit<z.infer<typeof envelopeSchema>, 'data'> & { data: D };

/** A typed, versioned event contract: producers and consumers import the same definition. */
export interface EventContract<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  version: number;
  topic: string;
  data: S;
}

/** Every service publishes on its own topic; the subject keys the partition. */
export const topicOf = (type: string): string => `hotline.${type.split('.')[0]}.events`;

export function defineEvent<T extends string, S extends z.ZodType>(type: T, version: number, data: S): EventContract<T, S> {
  return { type, version, topic: topicOf(type), data };
}

export type EventOf<C extends EventContract> = Envelope<z.infer<C['data']>> & { type: C['type'] };

/** Whether an event (already validated against its contract) is of `contract`'s type, narrowing it. */
export const isEventOf = <C extends EventContract>(contract: C, event: Envelope): event is EventOf<C> => event.type === contract.type;

export interface NewEvent<C extends EventContract> {
  subject: string;
  district: string;
  actor: string;
  data: z.infer<C['data']>;
  occurredAt?: Date;
  traceparent?: string;
}

/** Builds an event, validating its payload on the producing side. */
export function createEvent<C extends EventContract>(contract: C, input: NewEvent<C>): EventOf<C> {
  const data = contract.data.parse(input.data);
  return {
    id: newId(),
    type: contract.type,
    version: contract.version,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    district: input.district,
    subject: input.subject,
    actor: input.actor,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    data,
  } as EventOf<C>;
}

export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/** Parses raw bytes into an envelope; a message that is not one is poison and never retried into success. */
export function parseEnvelope(raw: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ContractViolation('message is not JSON');
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success)
    throw new ContractViolation(`not an event envelope: ${result.error.issues[0]?.path.join('.')} ${result.error.issues[0]?.message}`);
  return result.data as Envelope;
}

/** Validates the payload on the consuming side against the same contract the producer used. */
export function parseData<C extends EventContract>(contract: C, envelope: Envelope): EventOf<C> {
  if (envelope.type !== contract.type) throw new ContractViolation(`expected ${contract.type}, got ${envelope.type}`);
  if (envelope.version !== contract.version)
    throw new ContractViolation(`${contract.type}: version ${envelope.version} is not understood (expects ${contract.version})`);
  const result = contract.data.safeParse(envelope.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ContractViolation(`${contract.type}: data.${issue?.path.join('.')} ${issue?.message}`);
  }
  return { ...envelope, data: result.data } as EventOf<C>;
}
