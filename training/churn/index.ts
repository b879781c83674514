/**
 * Fitting the churn model (Telco profile part and stream part), its model card and the documented
 * simulation the stream part is fitted on. The serving side (scorer, customer state) is engine/churn.
 *
 *   await trainChurn({ dataDir: '../shared/data', outDir: 'models/churn', seed: 42 });
 */
export { trainChurn, EXAMPLE_CUSTOMERS } from './train.ts';
export type { TrainChurnOptions } from './train.ts';
export type { ChurnTrainReport, DatasetReport, HeldOut } from './report.ts';
export { rocAuc, brier, ece, reliability, fitPlatt, accuracyAt } from './metrics.ts';
export { simulateHistory, simulateCustomers, SIMULATION } from './simulate.ts';
export { rng } from './data.ts';
