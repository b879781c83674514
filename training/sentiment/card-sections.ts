/**
 * Sections of MODEL_CARD.md that compare systems and languages and check the quality bars the sentiment model is held to. Kept
 * apart from card.ts so each file stays readable; every figure comes from the training report,
 * i.e. was measured on the shipped (quantized) weights.
 */
import type { ModelManifest } from '../../engine/model/index.ts';
import type { SideBySide } from './baselines.ts';
import type { SetReport, TrainReport } from './report.ts';
import { reportFromConfusion } from '../eval/metrics.ts';

const f3 = (x: number): string => x.toFixed(3);
const LABELS = ['negative', 'neutral', 'positive'];
const LANG_NAMES: Record<string, string> = { en: 'English', sv: 'Swedish', nb: 'Norwegian Bokmål', da: 'Danish', de: 'German' };

/** The command that exports a held-out part and evaluates it with `cxpulse eval`. */
export function reproduceCommand(set: string, seed: number): string {
  return `node bin/cxpulse.js train --export-heldout ${set} --data ../shared/data --seed ${seed} --out /tmp/${set}.jsonl && node bin/cxpulse.js eval --data /tmp/${set}.jsonl`;
}

/** Pooled figures per language over the 3-class held-out parts (summed confusion matrices). */
export function perLanguage(sets: readonly SetReport[]): { lang: string; sets: string[]; n: number; accuracy: number; macroF1: number }[] {
  // 'mul': a set of several languages (the seed, own tickets), reported per language elsewhere.
  const langs = [...new Set(sets.filter((s) => !s.binary && s.lang !== 'mul').map((s) => s.lang))];
  return langs.map((lang) => {
    const of = sets.filter((s) => s.lang === lang && !s.binary);
    const conf = [0, 1, 2].map((t) => [0, 1, 2].map((p) => of.reduce((a, r) => a + r.confusion[t]![p]!, 0)));
    const r = reportFromConfusion(conf, LABELS);
    return { lang, sets: of.map((s) => s.name), n: r.n, accuracy: r.accuracy, macroF1: r.macroF1 };
  });
}

/** The "What it is" lines about the network, from the manifest. */
export function architectureText(m: ModelManifest): string {
  const a = m.architecture;
  if (a.pooling === 'mean') {
    return `- fastText-style embedding bag in TF.js: hashed features -> ${a.dim}-dim embedding rows -> mean -> ${a.hidden > 0 ? `ReLU ${a.hidden} -> ` : ''}dense -> softmax.`;
  }
  const langs = a.languageRows ?? [];
  const hyper = m.training?.['hyperparameters'] as Record<string, unknown> | undefined;
  const lexPrior = Number(hyper?.['lexPrior'] ?? 0);
  const nbScale = Number(hyper?.['nbScale'] ?? 0);
  const nbScope = Number(hyper?.['nbScope'] ?? 0);
  return [
    `- Wide linear model in TF.js (\`training/sentiment/linear.ts\`): one weight per hashed feature and class; logits = sum of a`,
    `  text's rows / sqrt(number of features) + bias -> softmax. Trained with per-example AdaGrad and balanced class weights.`,
    ...(langs.length > 0 ? [
      `- Language rows: besides the shared rows, each of ${langs.join(', ')} has its own copy of every row, and a text also`,
      `  uses the copies of its language (feature augmentation, Daumé III, ACL 2007): shared rows learn what holds in every`,
      `  language, the copies what is particular to one. The language comes from the event (or \`lang\` in \`cxpulse score\`/\`eval\`),`,
      `  else from the engine's language guess; 10% of training texts are seen without their copies, so a language without`,
      `  a block (or a wrong guess) falls back on the shared rows.`,
    ] : []),
    ...(langs.length > 0 && lexPrior > 0 ? [
      `- Word-list prior (\`training/sentiment/lexicon.ts\`): before training, the unigram rows of the words in the sentiment word`,
      `  lists of \`../shared/data/lexicons\` (AFINN en/sv/da, NorSentLex nb, SentiWS de) start with the list's polarity in their`,
      `  language's block (and half of it in the shared rows; the negated form NEG_word flipped at half strength); training then`,
      `  moves them like any other row.${m.lexiconCounts ? '' : ' The lists themselves are not shipped, only the trained weights.'}`,
    ] : []),
    ...(langs.length > 0 && m.lexiconCounts ? [
      `- Word-list counts (\`engine/model/lexCounts.ts\`): for a text in a language with a list, the listed words are counted (a word`,
      `  after a negator counts for the other side) and three features of the language's block say how many positive hits`,
      `  (0, 1, 2, 3+), how many negative hits and their difference (-2..2); they are trained like every other row. The heads`,
      `  read the base ids only and never see them. For this the folder ships the lists as 32-bit hashes of the words with`,
      `  their sign (\`${m.lexiconCounts.file}\`), not as words.`,
    ] : []),
    ...(nbScale > 0 ? [
      `- NBSVM learning rates (\`training/sentiment/nbScale.ts\`, Wang and Manning, ACL 2012): during training each weight's AdaGrad`,
      `  learning rate is multiplied by ${1 - nbScale} + ${nbScale} x the size of its naive-Bayes log-count ratio (normalised),`,
      `  ${nbScope === 1 ? 'in the language blocks of the languages other than English (the shared rows and the English block learn without it)' : 'in every row'};`,
      `  the same as training on NB-scaled features and exporting the scaled weights, so the table and serving are as without it.`,
    ] : []),
  ].join('\n');
}

/** The parts' ECE of one language, weighted by part size; '-' when no part has one. */
function languageEce(sets: readonly SetReport[], lang: string): string {
  const of = sets.filter((s) => s.lang === lang && s.ece !== undefined);
  const n = of.reduce((a, s) => a + s.n, 0);
  return n === 0 ? '-' : f3(of.reduce((a, s) => a + s.ece! * s.n, 0) / n);
}

export function languageTable(report: TrainReport): string {
  const rows = perLanguage(report.sets).map((l) => `| ${LANG_NAMES[l.lang] ?? l.lang} | ${l.sets.join(', ')} | ${l.n} | ${f3(l.accuracy)} | ${f3(l.macroF1)} | ${languageEce(report.sets, l.lang)} |`);
  const table = ['| language | held-out parts pooled | n | accuracy | macro-F1 | ECE (n-weighted over its parts) |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
  const detected = report.sets.filter((s) => s.detectedLangMacroF1 !== undefined);
  if (detected.length === 0) return table;
  return `${table}\n\nThe rows above give each text its set's language. With the engine's own language guess choosing the language rows
instead (what happens to an event that carries no language), macro-F1 per set is: ${detected.map((s) => `${s.name} ${f3(s.detectedLangMacroF1!)} (${s.macroF1 >= s.detectedLangMacroF1! ? '-' : '+'}${f3(Math.abs(s.macroF1 - s.detectedLangMacroF1!))})`).join(', ')}.`;
}

export function sideBySideTable(rows: readonly SideBySide[]): string {
  const head = '| set | lang | n | model macro-F1 | AFINN macro-F1 | VADER macro-F1 | model minus better baseline |';
  const body = rows.map((r) => `| ${r.name}${r.binary ? ' (binary)' : ''} | ${r.lang} | ${r.n} | ${f3(r.systems[0]!.macroF1)} | ${f3(r.systems[1]!.macroF1)} | ${f3(r.systems[2]!.macroF1)} | ${r.marginOverBest >= 0 ? '+' : ''}${f3(r.marginOverBest)} |`);
  return [head, '| --- | --- | --- | --- | --- | --- | --- |', ...body].join('\n');
}

const mark = (ok: boolean): string => (ok ? 'met' : '**not met**');

/** The sentiment model's quality bars, each with the figure it is judged on. */
export function qualityBars(report: TrainReport): string {
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

/** The hand-written customer-service set (never trained on), overall and per language, beside the lexicons. */
export function handwrittenSection(report: TrainReport): string {
  const all = report.outOfDomain.find((s) => s.name === 'cx-handwritten');
  if (!all) return 'The hand-written customer-service set (`data/eval/cx-handwritten.jsonl`) was not evaluated in this run.';
  const parts = [all, ...report.byLanguage.filter((r) => r.name.startsWith('cx-handwritten '))];
  const side = new Map(report.baselines.map((b) => [b.name, b]));
  return [
    `Our own hand-written customer-service messages (\`data/eval/cx-handwritten.jsonl\`, ${all.n} lines: chat lines, emails,`,
    'reviews and survey comments about deliveries, bills, faults, accounts, cancellations and agents, with negation both ways,',
    'intensifiers, contrast, polite complaints and emojis; 20 per label and language). Never trained on or used to choose',
    'anything: it is the only support-domain test in the Nordic languages and German. It was written by the team that wrote',
    'the model, so it is a supplement to the real-data figures, not a substitute; with 60 lines per language a figure',
    'moves by several points between training runs. Reproduce: `node bin/cxpulse.js eval --data data/eval/cx-handwritten.jsonl`.',
    ...(report.seedTrain ? [
      '',
      `Training included ${Object.values(report.seedTrain).reduce((a, b) => a + b, 0)} support messages we wrote for training (\`data/sentiment/seed.jsonl\`, set`,
      `\`cx-seed\`, ${Object.entries(report.seedTrain).map(([l, n]) => `${l} ${n}`).join(', ')}), written separately from this test set by other writers,`,
      'and checked to share no line with it (test/model/handwritten.test.ts); same kind of author, so the figures below are optimistic.',
    ] : []),
    '',
    '| part | n | model accuracy | model macro-F1 | AFINN macro-F1 | VADER macro-F1 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...parts.map((r) => {
      const b = side.get(r.name);
      return `| ${r.name} | ${r.n} | ${f3(r.accuracy)} | ${f3(r.macroF1)} | ${b ? f3(b.systems[1]!.macroF1) : '–'} | ${b ? f3(b.systems[2]!.macroF1) : '–'} |`;
    }),
  ].join('\n');
}

/** The held-out parts scored with each negative bias (CXPULSE_SENTIMENT_NEGATIVE_BIAS), one row per part and bias. */
export function negativeBiasSection(report: TrainReport): string {
  const rows = report.negativeBias ?? [];
  if (rows.length === 0) return 'Not measured in this run.';
  return [
    'The engine setting `CXPULSE_SENTIMENT_NEGATIVE_BIAS` (and `cxpulse eval --negative-bias`) adds a number to the negative',
    'logit before the label is chosen: p(negative) is multiplied by e^bias and the three probabilities renormalised. The',
    'shipped default is 0 (the model as trained). A deployment whose agents would rather see every complaint than miss one',
    'can raise it; this is what it does on the held-out parts closest to customer messages (same weights, same lines):',
    '',
    '| part | bias | negative precision | negative recall | macro-F1 |',
    '| --- | --- | --- | --- | --- |',
    ...[...rows].sort((a, b) => a.name.localeCompare(b.name) || a.bias - b.bias)
      .map((r) => `| ${r.name} | ${r.bias} | ${f3(r.negPrecision)} | ${f3(r.negRecall)} | ${f3(r.macroF1)} |`),
    ...operatingTable(report),
  ].join('\n');
}

/** Where each part's precision-recall curve of the negative class passes the issue's bar (recall 0.75 at precision 0.70). */
function operatingTable(report: TrainReport): string[] {
  const rows = report.negativeOperating ?? [];
  if (rows.length === 0) return [];
  const at = (p: { bias: number; negPrecision: number; negRecall: number } | undefined, show: 'recall' | 'precision'): string =>
    p ? `${f3(show === 'recall' ? p.negRecall : p.negPrecision)} (bias ${p.bias})` : 'none in -3..3';
  return [
    '',
    'No bias reaches a better trade-off than the curve the weights draw. Where that curve passes negative precision 0.70 and',
    'negative recall 0.75, computed from the bias-0 scores (`training/eval/operating.ts`; `cxpulse eval` prints the same for any file),',
    'and the average precision of the negative class (area under its precision-recall curve; what a better model raises):',
    '',
    '| part | n | negatives | average precision (negative) | most negative recall at precision >= 0.70 | negative precision at recall >= 0.75 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[...rows].sort((a, b) => a.name.localeCompare(b.name)).map((r) =>
      `| ${r.name} | ${r.n} | ${r.negatives} | ${f3(r.averagePrecision)} | ${at(r.atPrecision[0]?.point, 'recall')} | ${at(r.atRecall[0]?.point, 'precision')} |`),
  ];
}


const signed = (x: number): string => `${x >= 0 ? '+' : ''}${f3(x)}`;

/** Precision / recall of one class in a classification report, '-' where the part has none of it. */
function pr(r: { perClass: readonly { label: string; precision: number; recall: number; support: number }[] }, label: string): string {
  const c = r.perClass.find((x) => x.label === label);
  return c && c.support > 0 ? `${f3(c.precision)} / ${f3(c.recall)}` : '-';
}

/** The held-out conditions class offsets must meet to be applied, each judged on the before/after rows. */
export function offsetsVerdict(o: NonNullable<TrainReport['classOffsets']>): { text: string; met: boolean }[] {
  const row = (name: string) => o.heldOut.find((r) => r.name === name);
  const delta = (name: string): number | undefined => { const r = row(name); return r ? r.after.macroF1 - r.before.macroF1 : undefined; };
  const out: { text: string; met: boolean }[] = [];
  for (const name of ['nb-norec-sentence', 'da-political']) {
    const d = delta(name);
    if (d !== undefined) out.push({ text: `${name} macro-F1 up (${signed(d)})`, met: d > 0 });
  }
  const worst = o.heldOut.reduce<{ name: string; d: number } | undefined>((w, r) => {
    const d = r.after.macroF1 - r.before.macroF1;
    return !w || d < w.d ? { name: r.name, d } : w;
  }, undefined);
  if (worst) out.push({ text: `no part more than 0.02 down (worst ${worst.name} ${signed(worst.d)})`, met: worst.d >= -0.02 });
  const en = o.heldOut.filter((r) => r.lang === 'en' && !r.binary);
  const recall = (rs: typeof en, which: 'before' | 'after'): number => {
    const tp = rs.reduce((a, r) => a + r[which].confusion[0]![0]!, 0), n = rs.reduce((a, r) => a + r[which].confusion[0]!.reduce((x, y) => x + y, 0), 0);
    return n === 0 ? 0 : tp / n;
  };
  if (en.length > 0) {
    const b = recall(en, 'before'), a = recall(en, 'after');
    out.push({ text: `English negative recall not worse (3-class English parts pooled: ${f3(b)} -> ${f3(a)})`, met: a >= b });
  }
  return out;
}

/** Fitted per-language class offsets, whether they are applied, and every held-out part before/after. */
export function classOffsetsSection(report: TrainReport): string {
  const o = report.classOffsets;
  if (!o) return 'Not fitted in this run.';
  const langs = o.validation.map((v) => v.lang);
  const verdict = offsetsVerdict(o);
  const allMet = verdict.every((v) => v.met);
  return [
    'One logit offset per class and language (`manifest.json` `classOffsets`, neutral fixed at 0), added after the temperature and',
    'before `CXPULSE_SENTIMENT_NEGATIVE_BIAS`, for a text whose features use that language\'s rows (the event\'s language, else the',
    'engine\'s guess; a language without a block gets none). Fitted on the validation parts only (`training/sentiment/offsets.ts`):',
    `per language, a grid of step ${o.search.step} in [-${o.search.range}, ${o.search.range}] over the negative and positive offsets maximising the`,
    `language's mean per-set validation macro-F1 minus ${o.search.penalty} per unit of |offset| (ties and near-ties keep 0). Refit on a`,
    'model folder without retraining: `node bin/cxpulse.js train --fit-offsets --out models/sentiment [--hyper classOffsets=1]`.',
    '',
    '| language | validation sets | negative | neutral | positive | validation mean macro-F1 without -> with |',
    '| --- | --- | --- | --- | --- | --- |',
    ...langs.map((l) => {
      const v = o.validation.find((x) => x.lang === l)!, f = o.fitted[l] ?? [0, 0, 0];
      return `| ${LANG_NAMES[l] ?? l} | ${v.sets.join(', ')} | ${f[0]!.toFixed(1)} | ${f[1]!.toFixed(1)} | ${f[2]!.toFixed(1)} | ${f3(v.before)} -> ${f3(v.after)} |`;
    }),
    '',
    `**${o.applied ? 'Applied' : 'Not applied'}.** ${o.applied
      ? 'The manifest holds these offsets and every figure in this card (and `cxpulse eval`, the gate, the engine) is measured with them.'
      : 'The manifest holds none (`classOffsets=0`): the engine and every other figure in this card score without them; the table below shows what they would do.'}`,
    `They are applied only when the held-out parts agree (${allMet ? 'all met' : 'not all met'}): ${verdict.map((v) => `${v.text}: ${v.met ? 'met' : '**not met**'}`).join('; ')}.`,
    '',
    'Every held-out part without and with the fitted offsets (same weights, through `loadTextScorer`; binary parts by the sign of the score):',
    '',
    '| part | lang | n | macro-F1 without | with | change | negative P / R without | with | neutral P / R without | with | positive P / R without | with |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...o.heldOut.map((r) => `| ${r.name}${r.binary ? ' (binary)' : ''} | ${r.lang} | ${r.before.n} | ${f3(r.before.macroF1)} | ${f3(r.after.macroF1)} | ${signed(r.after.macroF1 - r.before.macroF1)} | ${pr(r.before, 'negative')} | ${pr(r.after, 'negative')} | ${pr(r.before, 'neutral')} | ${pr(r.after, 'neutral')} | ${pr(r.before, 'positive')} | ${pr(r.after, 'positive')} |`),
  ].join('\n');
}

/** Size-weighted mean ECE of the held-out rows of one language (`which` side); NaN when none. */
function pooledEce(rows: NonNullable<TrainReport['classScales']>['heldOut'], lang: string, which: 'eceBefore' | 'eceAfter'): number {
  const of = rows.filter((r) => r.lang === lang && Number.isFinite(r[which]));
  const n = of.reduce((a, r) => a + r.n, 0);
  return n === 0 ? NaN : of.reduce((a, r) => a + r[which] * r.n, 0) / n;
}

/** A caveat for languages whose fitted scale is within 0.05 of 1. */
function nearOne(c: NonNullable<TrainReport['classScales']>): string[] {
  const near = c.validation.filter((v) => Math.abs(v.scale - 1) < 0.05);
  if (near.length === 0) return [];
  return ['', `Scales within 0.05 of 1 (${near.map((v) => `${v.lang} ${v.scale.toFixed(2)}`).join(', ')}): that language is, on the whole, as sure as it should be on validation,`,
    'so its calibration error is not something one temperature fixes (it sits in particular classes or confidence ranges); an ECE change for it',
    'in the tables below comes from confidences crossing the 10 bin edges and is not an improvement.'];
}

/** Fitted per-language logit scales, whether they are applied, and ECE per language and part without/with them. */
export function classScalesSection(report: TrainReport): string {
  const c = report.classScales;
  if (!c) return 'Not fitted in this run.';
  const langs = [...new Set(c.heldOut.map((r) => r.lang))];
  const na = (x: number): string => (Number.isFinite(x) ? f3(x) : '-');
  return [
    'One logit scale per language (`manifest.json` `classScales`, a per-language inverse temperature): the logits are multiplied by it',
    'after the global temperature and before the class offsets and `CXPULSE_SENTIMENT_NEGATIVE_BIAS`, for a text whose features use that',
    'language\'s rows; a language not listed gets 1. Fitted on the validation parts only (`training/sentiment/scales.ts`): per language,',
    `the scale in [${c.range[0]}, ${c.range[1]}] minimising the negative log-likelihood of its 3-class validation lines (golden-section search,`,
    'rounded to 0.01; binary sets take no part, `mul` keeps 1). A scale does not change which class is most probable, so labels and',
    'macro-F1 are unchanged by it (with class offsets applied it changes how far an offset moves a label). Refit without retraining:',
    '`node bin/cxpulse.js train --fit-offsets --out models/sentiment [--hyper classScales=1]` (also refits the class offsets).',
    '',
    '| language | validation sets (3-class) | n | scale | validation NLL without -> with | validation ECE without -> with |',
    '| --- | --- | --- | --- | --- | --- |',
    ...c.validation.map((v) => `| ${LANG_NAMES[v.lang] ?? v.lang} | ${v.sets.join(', ')} | ${v.n} | ${v.scale.toFixed(2)} | ${f3(v.nllBefore)} -> ${f3(v.nllAfter)} | ${f3(v.eceBefore)} -> ${f3(v.eceAfter)} |`),
    ...nearOne(c),
    '',
    `**${c.applied ? 'Applied' : 'Not applied'}.** ${c.applied
      ? 'The manifest holds these scales and every figure in this card (and `cxpulse eval`, the gate, the engine) is measured with them.'
      : 'The manifest holds none (`classScales=0`): the engine and every other figure in this card score without them; the tables below show what they would do.'}`,
    '',
    'ECE on the 3-class held-out parts without and with the fitted scales, per language (n-weighted over its parts) and per part',
    '(same weights, through `loadTextScorer`):',
    '',
    '| language | ECE without | with |',
    '| --- | --- | --- |',
    ...langs.map((l) => `| ${LANG_NAMES[l] ?? l} | ${na(pooledEce(c.heldOut, l, 'eceBefore'))} | ${na(pooledEce(c.heldOut, l, 'eceAfter'))} |`),
    '',
    '| part | lang | n | ECE without | with | macro-F1 without | with |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...c.heldOut.map((r) => `| ${r.name} | ${r.lang} | ${r.n} | ${na(r.eceBefore)} | ${na(r.eceAfter)} | ${f3(r.macroF1Before)} | ${f3(r.macroF1After)} |`),
  ].join('\n');
}
