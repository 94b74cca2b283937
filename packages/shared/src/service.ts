import type { Logger } from 'pino';
import type { EventBus } from './bus/bus';

/** Infrastructure as a factory's result: one shape for every part a composition root wires. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): Promise<boolean>;
}

/** What the composition root hands every service: the shared parts of one process. */
export interface ServiceDeps {
  bus: EventBus;
  logger: Logger;
  /** The clock; tests move it, production reads the wall clock. */
  now: () => Date;
}

/** A running service as a composition root sees it. */
export interface RunningService {
  name: string;
  url: string;
  stop(): Promise<void>;
}
