export { startEngine, type Engine, type EngineClock, type EngineOptions } from './engine.ts';
export { startConnectors, type StartConnectorsOptions } from './connectors.ts';
export { connectBus, connectStore, natsBusOptions } from './connect.ts';
export { customerEraser, eraseWithoutEngine, erasureTarget, type EraseCustomer, type ErasureParts } from './erase.ts';
export { privacySettings, type PrivacySettings } from './privacy.ts';
export { httpLimitsOf } from './http.ts';
