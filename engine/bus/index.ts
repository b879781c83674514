export * from './types.ts';
export { createNatsBus, DLQ_STREAM, type NatsBusOptions } from './nats/index.ts';
export { createMemoryBus, type MemoryBus } from './memory/index.ts';
