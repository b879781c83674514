import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { detectLanguage, initBackend, loadTextScorer, type TextScorer } from '../engine/model/index.ts';

interface Line {
  n: number;
  text?: string;
  lang?: string;
  error?: string;
}

function parseLine(raw: string, n: number): Line {
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch (e) {
    return { n, error: `line ${n}: not valid JSON (${(e as Error).message})` };
  }
  const rec = o as { text?: unknown; lang?: unknown } | null;
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return { n, error: `line ${n}: expected a JSON object with "text"` };
  if (typeof rec.text !== 'string') return { n, error: `line ${n}: field 'text' must be a string` };
  if (rec.text.trim() === '') return { n, error: `line ${n}: field 'text' is empty` };
  if (rec.lang !== undefined && typeof rec.lang !== 'string') return { n, error: `line ${n}: field 'lang' must be a string` };
  return { n, text: rec.text, lang: rec.lang as string | undefined };
}

/**
 * Scores a batch of parsed lines: the engine's featurize + predictAll, one forward pass. Each
 * line carries sentiment and, when the model has them, emotion, urgency, topic, formality and
 * signals (the text is used as given: this command does not redact).
 */
async function scoreLines(scorer: TextScorer, lines: readonly Line[]): Promise<string> {
  const ok = lines.filter((l) => l.text !== undefined);
  const langs = ok.map((l) => (l.lang ? { lang: l.lang.toLowerCase(), confidence: 1 } : detectLanguage(l.text!)));
  const texts = ok.map((l) => l.text!);
  const scores = await scorer.predictAll(ok.map((l, i) => scorer.featurize(l.text!, langs[i]!.lang)), texts, langs.map((g) => g.lang));
  let k = 0;
  return lines
    .map((l) => {
      if (l.error) return JSON.stringify({ error: { code: 'CX_ERR_INVALID_VALUE', message: l.error } });
      const lang = langs[k]!;
      const s = scores[k++]!;
      return JSON.stringify({ ...s, lang: lang.lang, langConfidence: lang.confidence, modelVersion: scorer.version });
    })
    .join('\n') + '\n';
}

/** `cxpulse score`: JSONL in, JSONL out, same order; a bad line yields an `{"error"}` line, never a crash. */
export async function runScore(o: { model?: string; batch: number }): Promise<void> {
  await initBackend();
  const scorer = await loadTextScorer(o.model);
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let batch: Line[] = [];
  let n = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const out = await scoreLines(scorer, batch);
    batch = [];
    if (!process.stdout.write(out)) await once(process.stdout, 'drain');
  };
  for await (const raw of rl) {
    n++;
    if (raw.trim() === '') continue;
    batch.push(parseLine(raw, n));
    if (batch.length >= o.batch) await flush();
  }
  await flush();
  scorer.dispose();
}
