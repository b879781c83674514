/**
 * Churn risk: a small TF.js model over the customer state cxpulse keeps (tenure, plan, charges,
 * payment, services), trained on the IBM Telco sample, with plain-words factors.
 *
 *   const model = await loadChurnModel();            // models/churn next to this repo
 *   const [r] = await model.predict([{ tenureMonths: 2, contract: 'month-to-month' }]);
 *   r.probability; r.factors[0].text;                // e.g. "month-to-month contract"
 *
 *   await trainChurn({ dataDir: '../shared/data', outDir: 'models/churn', seed: 42 });
 */
export { trainChurn, EXAMPLE_CUSTOMERS } from './train.ts';
export type { ChurnTrainReport, DatasetReport, HeldOut, TrainChurnOptions } from './train.ts';
export { loadChurnModel, DEFAULT_CHURN_MODEL_DIR } from './model.ts';
export type { ChurnModel, ChurnPrediction, ChurnFactor } from './model.ts';
export { TELCO_SCHEMA, UNMAPPED_STREAM_FEATURES } from './features.ts';
export type { ChurnFeatures, Contract, PaymentMethod, InternetService } from './features.ts';
export { CHURN_FORMAT, CHURN_FORMAT_VERSION, readChurnFolder, validateChurnManifest } from './manifest.ts';
export type { ChurnManifest } from './manifest.ts';
export { rocAuc, brier, ece, reliability, fitPlatt, accuracyAt } from './metrics.ts';
