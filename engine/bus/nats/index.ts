export { createNatsBus, DLQ_STREAM, type NatsBusOptions } from './bus.ts';
