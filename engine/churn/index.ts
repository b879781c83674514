/**
 * Churn risk: a small TF.js model over the customer profile (tenure, plan, charges, payment,
 * services; trained on the IBM Telco sample) plus a stream part over the customer state the engine
 * keeps (contacts, negativity, reply times, CRM events; fitted on a documented simulation), with
 * plain-words factors.
 *
 *   const scorer = await loadChurnScorer();                          // models/churn
 *   const state = replay(observations);                              // or reduceCustomer(state, o) per event
 *   const [r] = await scorer.score([{ profile: profileFeatures(state), stream: streamFeatures(state) }]);
 *   r.probability; r.band; r.factors[0].text;                        // e.g. "2 late payments in the last 90 days"
 *
 * Serving only: fitting, model cards and the simulation live in training/churn.
 */
export { loadChurnModel, DEFAULT_CHURN_MODEL_DIR } from './model.ts';
export type { ChurnModel, ChurnPrediction, ChurnFactor } from './model.ts';
export { TELCO_SCHEMA, UNMAPPED_STREAM_FEATURES, columnCount, encode, fitSpec } from './features.ts';
export type { ChurnFeatures, Contract, PaymentMethod, InternetService, FeatureDef, FeatureRecord, FeatureSchema } from './features.ts';
export { CHURN_FORMAT, CHURN_FORMAT_VERSION, readChurnFolder, validateChurnManifest } from './manifest.ts';
export type { ChurnArchitecture, ChurnManifest, NamedWeights } from './manifest.ts';
export { loadChurnScorer, createChurnScorer, bandOf, CHURN_BANDS, DEFAULT_CHURN_FACTORS } from './scorer.ts';
export type { ChurnScorer, ChurnInput, ChurnResult, ChurnBand } from './scorer.ts';
export { reduceCustomer, replay, emptyState, contractOfPlan, hashId, DAY_MS, MAX_CONVERSATIONS, MAX_SEEN_IDS } from './state.ts';
export type { CustomerState, CustomerObservation, MessageObservation, BusinessObservation, Conversation } from './state.ts';
export { countWithin, dayOf, KEEP_DAYS } from './dayCounts.ts';
export type { DayCounts } from './dayCounts.ts';
export { encodeState, decodeState, upgradeV1, STATE_FORMAT_VERSION } from './stateCodec.ts';
export type { CustomerStateV1 } from './stateCodec.ts';
export { streamFeatures, profileFeatures, streamFactorText, STREAM_FEATURES } from './streamFeatures.ts';
export type { StreamFeatures, StreamFeatureName } from './streamFeatures.ts';
export { createStateStore, openKvBackend, kvKey, DEFAULT_KV_BUCKET, DEFAULT_FLUSH_MS, type KvBackendOptions } from './stateStore.ts';
export type { CustomerStateStore, StateBackend, StateStoreOptions } from './stateStore.ts';
export { createCustomerTracker } from './tracker.ts';
export type { CustomerTracker, CustomerUpdate } from './tracker.ts';
export { messageObservation, businessObservation, customerSinceOf, isEscalated } from './observe.ts';
export { readStreamModel, standardise, streamLogit, STREAM_FILE, STREAM_FORMAT } from './streamModel.ts';
export type { StreamModelFile } from './streamModel.ts';
