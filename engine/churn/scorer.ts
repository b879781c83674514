/**
 * The shipped churn probability: Telco part (profile: tenure, contract, charges ...) plus stream
 * part (contacts, negativity, reply times, CRM events), added in log-odds, with the top factors of
 * both merged in plain words. One call scores a whole micro-batch.
 *
 *   const scorer = await loadChurnScorer();                       // models/churn
 *   const [r] = await scorer.score([{ profile: { contract: 'month-to-month' }, stream: { contacts30d: 4 } }]);
 *   r.probability; r.band; r.factors[0].text;                      // "4 support contacts in the last 30 days"
 */
import type { ChurnFeatures } from './features.ts';
import { DEFAULT_CHURN_MODEL_DIR, loadChurnModel, type ChurnFactor, type ChurnModel } from './model.ts';
import type { StreamFeatures } from './streamFeatures.ts';
import { streamFactorText } from './streamFeatures.ts';
import { readStreamModel, streamLogit, type StreamModelFile } from './streamModel.ts';

/**
 * Band thresholds on the calibrated probability. `medium` from 0.30: just above the Telco base
 * churn rate (0.26), i.e. riskier than the average customer. `high` from 0.60: churn is clearly
 * more likely than not, worth a retention action.
 */
export const CHURN_BANDS = { medium: 0.3, high: 0.6 } as const;
export const DEFAULT_CHURN_FACTORS = 5;

export type ChurnBand = 'low' | 'medium' | 'high';
export const bandOf = (p: number): ChurnBand => (p >= CHURN_BANDS.high ? 'high' : p >= CHURN_BANDS.medium ? 'medium' : 'low');

export interface ChurnInput { profile: ChurnFeatures; stream: StreamFeatures }
export interface ChurnResult { probability: number; band: ChurnBand; factors: ChurnFactor[]; modelVersion: string }

export interface ChurnScorer {
  /** `<telco version>+<stream version>`. */
  readonly version: string;
  readonly telco: ChurnModel;
  readonly stream: StreamModelFile;
  /** One batched pass over all inputs; `k` factors each (default 5). */
  score(inputs: readonly ChurnInput[], k?: number): Promise<ChurnResult[]>;
  dispose(): void;
}

const CONTACT_WINDOWS = new Set(['contacts7d', 'contacts30d', 'contacts90d']);

/**
 * The three contact windows are one signal seen at three scales, and their weights share it: shown
 * apart, none may make the top factors although together they do. They become one factor
 * ("contacts"), worded after the window that contributes most.
 */
function groupContactWindows(factors: ChurnFactor[]): ChurnFactor[] {
  const windows = factors.filter((f) => CONTACT_WINDOWS.has(f.feature));
  if (windows.length === 0) return factors;
  const main = windows.reduce((a, b) => (Math.abs(b.contribution) > Math.abs(a.contribution) ? b : a));
  const contribution = windows.reduce((a, f) => a + f.contribution, 0);
  return [...factors.filter((f) => !CONTACT_WINDOWS.has(f.feature)), { feature: 'contacts', text: main.text, contribution }];
}

const logit = (p: number): number => Math.log(Math.max(1e-7, p) / Math.max(1e-7, 1 - p));

export function createChurnScorer(telco: ChurnModel, stream: StreamModelFile): ChurnScorer {
  const version = `${telco.version}+${stream.version}`;
  const telcoWidth = telco.manifest.features.length;
  return {
    version,
    telco,
    stream,
    async score(inputs, k = DEFAULT_CHURN_FACTORS) {
      const telcoOut = await telco.predict(inputs.map((i) => i.profile), { k: telcoWidth });
      return inputs.map((input, i) => {
        const t = telcoOut[i]!;
        const s = streamLogit(stream, input.stream);
        const streamFactors = groupContactWindows(s.contributions.map((c) => ({ feature: c.name, text: streamFactorText(c.name, c.value, input.stream), contribution: c.contribution })));
        const factors = [...t.factors, ...streamFactors].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, Math.max(0, k));
        const probability = 1 / (1 + Math.exp(-(logit(t.probability) + s.logit)));
        return { probability, band: bandOf(probability), factors, modelVersion: version };
      });
    },
    dispose: () => telco.dispose(),
  };
}

/** Loads both parts from one folder (default models/churn); errors name the offending file. */
export async function loadChurnScorer(dir: string = DEFAULT_CHURN_MODEL_DIR): Promise<ChurnScorer> {
  const stream = readStreamModel(dir);
  const telco = await loadChurnModel(dir);
  return createChurnScorer(telco, stream);
}
