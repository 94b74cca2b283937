export * from './distributed';
export * from './processes';
export * from './otlp-receiver';
export * from './test-system';
export * from './databases';
export * from './ledger';
export * from './load';
