import { v7 as uuidv7 } from 'uuid';

/** Time-ordered, globally unique ids (UUIDv7): district deployments federate without collisions. */
export const newId = (): string => uuidv7();
