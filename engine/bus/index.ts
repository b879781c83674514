export * from './types.ts';
export { createNatsBus, eventsStream, retentionMigration, DLQ_STREAM, DEFAULT_EVENTS_MAX_AGE_MS, DEFAULT_DLQ_MAX_AGE_MS, DEFAULT_EVENTS_RETENTION, type EventsRetention, type NatsBusOptions, adoptReplicas, checkReplicasPossible, placementError } from './nats/index.ts';
export { createMemoryBus, type MemoryBus, type MemoryBusOptions } from './memory/index.ts';
export { deadLetterEntry, backoffFor, clipErrorText, type DeadLetterSource } from './deadLetter.ts';
export { consumersFor, customerOf, eventSubject, fnv1a32, partitionOf, partitionFilter, LEGACY_EVENTS_FILTER } from './partition.ts';
