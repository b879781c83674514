export { createMemoryBus, type MemoryBus } from './bus.ts';
