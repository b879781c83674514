import { writeFileSync } from 'node:fs';
import { formatRedactionScores, readLabelledLines, scoreRedaction } from '../bench/index.ts';

/**
 * `cxpulse eval-redaction`: precision and recall per kind of the PII redaction on a labelled
 * JSONL file (default: the fixture in test/privacy), and how many dates, amounts, order numbers
 * and checksum look-alikes it left alone; `--verbose` lists every miss and wrong redaction.
 */
export function runEvalRedaction(opts: { data: string; names: boolean; verbose?: boolean; json?: string }): void {
  const scores = scoreRedaction(readLabelledLines(opts.data), { names: opts.names });
  process.stdout.write(formatRedactionScores(scores));
  if (opts.verbose) {
    process.stdout.write(`\nmissed (${scores.missed.length}):\n${scores.missed.map((m) => `  ${m}\n`).join('')}`);
    process.stdout.write(`\nwrong (${scores.wrong.length}):\n${scores.wrong.map((m) => `  ${m}\n`).join('')}`);
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify(scores, null, 2) + '\n');
}
