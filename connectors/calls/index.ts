export { callsConnector } from './connector.ts';
export { callsRoute, CALLS_PATH, type CallsRouteOptions } from './route.ts';
export { watchCallsFolder, DONE_DIR, FAILED_DIR, type CallsFolderOptions, type CallsFolderWatcher } from './folder.ts';
export { ingestCall, parseCall, type CallIngest, type CallIngestDeps } from './ingest.ts';
export { callEvents, readCallMeta, type CallRecord, type CallTurn } from './record.ts';
export { fromCxpulseCall } from './cxpulse.ts';
export { fromTranscribe, isTranscribeOutput } from './transcribe.ts';
export { callsSettings, parseSpeakerMap, DEFAULT_RESCAN_MS, DEFAULT_SETTLE_MS, type CallsConfig, type CallsSettings, type CallSpeaker } from './config.ts';
