export { startEngine, type Engine } from './engine.ts';
export { connectBus, connectStore } from './connect.ts';
