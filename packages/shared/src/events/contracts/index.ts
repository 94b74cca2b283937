import * as analytics from './analytics';
import * as dispatch from './dispatch';
import * as intake from './intake';
import * as supervision from './supervision';

export * from './common';
export * from './intake';
export * from './dispatch';
export * from './supervision';
export * from './analytics';

/** Every contract, for consumers that take all events (analytics) and for validation tooling. */
export const contracts = [...Object.values(intake), ...Object.values(dispatch), ...Object.values(supervision), ...Object.values(analytics)];
