import { writeFileSync } from 'node:fs';
import { evaluateFile } from '../training/eval/run.ts';

/**
 * `cxpulse eval --data FILE`: figures for the model and (unless baselines is false) the
 * `sentiment` and `vader-sentiment` packages on the same labelled lines; stdout, and all the
 * figures as JSON in `json` when given.
 */
export async function runEval(opts: { data: string; model?: string; json?: string; baselines?: boolean; negativeBias?: number; classOffsets?: boolean; negativePrecision?: number[]; negativeRecall?: number[] }): Promise<void> {
  const { text, json } = await evaluateFile({
    data: opts.data,
    ...(opts.negativeBias !== undefined ? { negativeBias: opts.negativeBias } : {}),
    ...(opts.model !== undefined ? { model: opts.model } : {}),
    ...(opts.baselines !== undefined ? { baselines: opts.baselines } : {}),
    ...(opts.classOffsets === false ? { classOffsets: false } : {}),
    ...(opts.negativePrecision ? { negativePrecision: opts.negativePrecision } : {}),
    ...(opts.negativeRecall ? { negativeRecall: opts.negativeRecall } : {}),
  });
  process.stdout.write(text);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(json, null, 2) + '\n');
}
