/**
 * Sections of MODEL_CARD.md that compare systems and languages and check issue 3's bars. Kept
 * apart from card.ts so each file stays readable; every figure comes from the training report,
 * i.e. was measured on the shipped (quantized) weights.
 */
import type { SideBySide } from './baselines.ts';
import type { SetReport, TrainReport } from './index.ts';
import { reportFromConfusion } from './metrics.ts';

const f3 = (x: number): string => x.toFixed(3);
const LABELS = ['negative', 'neutral', 'positive'];
const LANG_NAMES: Record<string, string> = { en: 'English', sv: 'Swedish', nb: 'Norwegian Bokmål', da: 'Danish', de: 'German' };

/** The command that exports a held-out part and evaluates it with `cxpulse eval`. */
export function reproduceCommand(set: string, seed: number): string {
  return `npx tsx engine/train/heldout-main.ts --data ../shared/data --set ${set} --seed ${seed} --out /tmp/${set}.jsonl && node bin/cxpulse.js eval --data /tmp/${set}.jsonl`;
}

/** Pooled figures per language over the 3-class held-out parts (summed confusion matrices). */
export function perLanguage(sets: readonly SetReport[]): { lang: string; sets: string[]; n: number; accuracy: number; macroF1: number }[] {
  const langs = [...new Set(sets.filter((s) => !s.binary).map((s) => s.lang))];
  return langs.map((lang) => {
    const of = sets.filter((s) => s.lang === lang && !s.binary);
    const conf = [0, 1, 2].map((t) => [0, 1, 2].map((p) => of.reduce((a, r) => a + r.confusion[t]![p]!, 0)));
    const r = reportFromConfusion(conf, LABELS);
    return { lang, sets: of.map((s) => s.name), n: r.n, accuracy: r.accuracy, macroF1: r.macroF1 };
  });
}

export function languageTable(report: TrainReport): string {
  const rows = perLanguage(report.sets).map((l) => `| ${LANG_NAMES[l.lang] ?? l.lang} | ${l.sets.join(', ')} | ${l.n} | ${f3(l.accuracy)} | ${f3(l.macroF1)} |`);
  return ['| language | held-out parts pooled | n | accuracy | macro-F1 |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function sideBySideTable(rows: readonly SideBySide[]): string {
  const head = '| set | lang | n | model macro-F1 | AFINN macro-F1 | VADER macro-F1 | model minus better baseline |';
  const body = rows.map((r) => `| ${r.name}${r.binary ? ' (binary)' : ''} | ${r.lang} | ${r.n} | ${f3(r.systems[0]!.macroF1)} | ${f3(r.systems[1]!.macroF1)} | ${f3(r.systems[2]!.macroF1)} | ${r.marginOverBest >= 0 ? '+' : ''}${f3(r.marginOverBest)} |`);
  return [head, '| --- | --- | --- | --- | --- | --- | --- |', ...body].join('\n');
}

const mark = (ok: boolean): string => (ok ? 'met' : '**not met**');

/** Issue 3's sentiment bars, each with the figure it is judged on. */
export function issueBars(report: TrainReport): string {
  const lines: string[] = [];
  const en = report.baselines.find((b) => b.name === 'en-uci-amazon');
  if (en) {
    const m = en.systems[0]!.macroF1;
    lines.push(`- English, out of domain (UCI Amazon reviews, never trained on): model macro-F1 ${f3(m)} (bar 0.70: ${mark(m >= 0.7)}); ` +
      `margin over the better lexicon ${f3(en.marginOverBest)} (bar 0.15: ${mark(en.marginOverBest >= 0.15)}).`);
  }
  const nb = report.sets.find((s) => s.name === 'nb-norec-sentence');
  if (nb) lines.push(`- Norwegian (NoReC \`dev\`): macro-F1 ${f3(nb.macroF1)} (bar 0.60: ${mark(nb.macroF1 >= 0.6)}).`);
  const sv = perLanguage(report.sets).find((l) => l.lang === 'sv');
  const svSets = report.sets.filter((s) => s.lang === 'sv');
  if (sv) {
    lines.push(`- Swedish (own 15% splits): pooled macro-F1 ${f3(sv.macroF1)} (bar 0.60: ${mark(sv.macroF1 >= 0.6)}); per set ` +
      svSets.map((s) => `${s.name} ${f3(s.macroF1)} (${mark(s.macroF1 >= 0.6)})`).join(', ') + '.');
  }
  return lines.join('\n');
}
