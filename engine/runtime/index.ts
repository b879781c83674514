export { startEngine, type Engine, type EngineOptions } from './engine.ts';
export { startConnectors, type StartConnectorsOptions } from './connectors.ts';
export { connectBus, connectStore, natsBusOptions } from './connect.ts';
