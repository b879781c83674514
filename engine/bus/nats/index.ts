export { createNatsBus, eventsStream, retentionMigration, DLQ_STREAM, DEFAULT_EVENTS_MAX_AGE_MS, DEFAULT_DLQ_MAX_AGE_MS, DEFAULT_EVENTS_RETENTION, type EventsRetention, type NatsBusOptions } from './bus.ts';
export { adoptReplicas, checkReplicasPossible, placementError } from './replicas.ts';
