/**
 * The stream part of the churn model: a logistic regression over the stream features, fitted with
 * the Telco part's logit as a fixed offset, so it learns only what the stream adds on top of the
 * profile. The shipped log-odds are telco logit + stream logit; a stream feature's contribution is
 * exactly weight x standardised value, and an unknown feature contributes 0 (the average customer).
 *
 * Stored as `stream.json` next to the Telco model's manifest/weights (the Telco files keep their
 * format, so the Telco part loads and measures exactly as before). Fitted and written by
 * training/churn/streamFit.ts; read and applied here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STREAM_FEATURES, type StreamFeatureName, type StreamFeatures } from './streamFeatures.ts';

export const STREAM_FILE = 'stream.json';
export const STREAM_FORMAT = 'cxpulse-churn-stream';

export interface StreamModelFile {
  format: typeof STREAM_FORMAT;
  formatVersion: 1;
  /** `stream-` + first 8 hex digits of the SHA-256 of the weights. */
  version: string;
  features: { name: StreamFeatureName; mean: number; std: number; weight: number }[];
  /**
   * Intercept of the stream part (applied when at least one stream feature is known): it offsets the
   * spread the stream features add around the Telco logit.
   */
  bias: number;
  training: Record<string, unknown>;
}


/** Standardised row: missing -> 0 (the training mean). */
export function standardise(defs: readonly { name: StreamFeatureName; mean: number; std: number }[], f: StreamFeatures): number[] {
  return defs.map((d) => {
    const x = f[d.name];
    return x === undefined || !Number.isFinite(x) ? 0 : (x - d.mean) / d.std;
  });
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Reads and checks stream.json; every error names the file. */
export function readStreamModel(dir: string): StreamModelFile {
  const path = join(dir, STREAM_FILE);
  const fail = (why: string): never => { throw new Error(`invalid churn stream model ${path}: ${why}`); };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `cannot load churn model: stream part ${path} does not exist (retrain with \`cxpulse train --churn\`)` : `invalid churn stream model ${path}: ${(e as Error).message}`);
  }
  const m = raw as Partial<StreamModelFile>;
  if (typeof m !== 'object' || m === null) fail('not a JSON object');
  if (m.format !== STREAM_FORMAT || m.formatVersion !== 1) fail(`format must be "${STREAM_FORMAT}" version 1`);
  if (typeof m.version !== 'string' || !finite(m.bias)) fail('version and a finite bias are required');
  if (!Array.isArray(m.features)) fail('features must be an array');
  m.features!.forEach((f, i) => {
    if (!(STREAM_FEATURES as readonly string[]).includes(f?.name)) fail(`features[${i}] has an unknown name ${JSON.stringify(f?.name)}`);
    if (!finite(f.mean) || !finite(f.std) || !(f.std > 0) || !finite(f.weight)) fail(`features[${i}] (${f.name}) needs finite mean, std > 0 and weight`);
  });
  return m as StreamModelFile;
}

/** Stream logit and each known feature's contribution (weight x standardised value). */
export function streamLogit(m: Pick<StreamModelFile, 'features' | 'bias'>, f: StreamFeatures): { logit: number; contributions: { name: StreamFeatureName; value: number; contribution: number }[] } {
  const z = standardise(m.features, f);
  const contributions = m.features.flatMap((d, j) => (f[d.name] === undefined || !Number.isFinite(f[d.name]) ? [] : [{ name: d.name, value: f[d.name]!, contribution: d.weight * z[j]! }]));
  // With no stream feature known, the Telco part alone answers (it is calibrated on real data); the
  // bias only corrects for the spread the stream features add, so it applies when some are known.
  if (contributions.length === 0) return { logit: 0, contributions };
  return { logit: m.bias + contributions.reduce((a, c) => a + c.contribution, 0), contributions };
}
