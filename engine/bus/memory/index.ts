export { createMemoryBus, type MemoryBus, type MemoryBusOptions } from './bus.ts';
