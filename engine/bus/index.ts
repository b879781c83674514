export * from './types.ts';
export { createNatsBus, DLQ_STREAM, type NatsBusOptions } from './nats/index.ts';
export { createMemoryBus, type MemoryBus, type MemoryBusOptions } from './memory/index.ts';
export { deadLetterEntry, backoffFor, clipErrorText, type DeadLetterSource } from './deadLetter.ts';
