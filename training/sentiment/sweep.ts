/**
 * Validation-only sweep over configurations of the wide linear sentiment model (the rows marked
 * "(3 trainer seeds)" in experiments.ts). Loads and featurizes the sets once (split of seed 42, the
 * shipped featurizer with the word-list counts), then per configuration trains one member per trainer
 * seed with the shipped LinearBagTrainer, keeps each member's best epoch (mean validation macro-F1)
 * and prints one JSON line: per member with `separate`, else for the members' tables averaged (an
 * ensemble). Never reads a held-out part. Reproduces `cxpulse train --no-heads`' validation lines for seed 42.
 *
 *   npx tsx training/sentiment/sweep.ts DATA_DIR '[{"name":"x","hyper":"nbScale=0.5,nbScope=1","seeds":[42,7,13],"separate":true}]'
 *
 * Fields: hyper (as --hyper), seeds, epochs (6), separate, blockLr {lang: factor} (learning-rate factor
 * of a language block), nbBlocks (NB factors only in these blocks; 'shared' = the shared rows),
 * augment [{from: set, as: lang, weight}] (a set's training texts once more in another language's block),
 * avgEpochs (average these epochs' snapshots instead of the best epoch); for the issue 10 complaint round also
 * feat, domain, loss, binaryLoss, copies and setPower (see their interfaces below). hyper's nbScope is applied
 * as train.ts applies it (unless nbBlocks is given).
 */
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import {
  defaultFeaturizerSpec, featurizeTokens, hashString, implicitComplaint, lexiconSigns, modelFeatures, rowLanguage, tokenize, wordHash, DETECTED_LANGUAGES,
} from '../../engine/model/index.ts';
import { classificationReport } from '../eval/metrics.ts';
import { resolveHyper, parseHyper, NB_SCOPE_EXCLUDED, type Hyper } from './config.ts';
import { loadSentimentSets, SENTIMENT_SETS } from './data.ts';
import { langOf } from './evaluate.ts';
import { lexiconPrior, loadLexicons } from './lexicon.ts';
import { lexiconHashes } from './lexCount.ts';
import { LinearBagTrainer } from './linear.ts';
import { forwardLogits } from './calibrate.ts';
import { nbLrScale } from './nbScale.ts';
import { rng, type HeadWeights, type TrainItem } from './trainer.ts';

/**
 * Prototype features (issue 10): `complaint` adds implicit-complaint indicators (engine/model/complaints.ts):
 * one id per kind found (`kinds`), one for any kind (`any`), and a negated-positive indicator (`negPos`: a
 * positive word-list hit in a negator's scope), in the text's language block (`place` 'block') or in a few
 * extra rows after the blocks that every language shares ('extra'; the heads never read them).
 * `domain`: per-set training-only blocks (Daume III 2007 by domain): each training text also uses copies of its
 * base ids in its group's block (group by set name, `groups` maps set -> group, default the set itself); those
 * rows are not used on validation (dropped at export), do not count in the sqrt-n normaliser, and a share
 * `dropout` of the texts is seen without them.
 */
interface FeatCfg { kinds?: boolean; any?: boolean; negPos?: boolean; place?: 'block' | 'extra'; charLangs?: string[]; charN?: number[] }
/** `constOnly`: one constant id per group instead of copies of every id (a per-set class prior, training only). */
interface DomainCfg { groups?: Record<string, string>; dropout?: number; constOnly?: boolean }
/** `loss`: training-loss variants of the linear trainer (linear.ts labelSmoothing, focalGamma, classLr). */
interface LossCfg { labelSmoothing?: number; focalGamma?: number; classLr?: number[] }
/** `binaryLoss`: the texts of negative/positive-only sets are trained with a softmax over those two classes. */
/** `copies: 'words'`: the language copies only of the word n-grams (not the character n-grams); serving would need the same. */
/** `setPower`: each set's total weight proportional to (its training size)^p instead of its size (p = 1: as shipped); cx-seed keeps its weight. */
interface Cfg { trainFrac?: number; setPower?: number; copies?: 'words'; binaryLoss?: boolean; loss?: LossCfg; feat?: FeatCfg; domain?: DomainCfg; augment?: { from: string; as: string; weight: number }[]; separate?: boolean; nbBlocks?: string[]; name: string; hyper?: string; seeds?: number[]; epochs?: number; blockLr?: Record<string, number>; avgEpochs?: number[] }

const dataDir = process.argv[2] ?? '../shared/data';
const seed = 42;
const cfgs: Cfg[] = JSON.parse(process.argv[3] ?? '[{"name":"base"}]');
const sets = loadSentimentSets(dataDir, seed, SENTIMENT_SETS);
const inDomain = sets.filter((s) => !s.outOfDomain && s.train.length > 0);
const base = resolveHyper();
const spec = defaultFeaturizerSpec(base.buckets, base.maxFeatures, [3, 4], 2);
const languageRows = [...new Set([...DETECTED_LANGUAGES, ...inDomain.flatMap((s) => [s.lang, ...s.train.map((e) => e.lang ?? '')]).map((l) => rowLanguage(l) ?? '').filter((l) => /^[a-z]{2,3}$/.test(l)).sort()])].slice(0, 16);
const lexEntries = loadLexicons(dataDir, languageRows);
const signs = lexiconSigns(lexiconHashes(lexEntries));
const feats = (t: string, lang: string, lexCount: boolean): Int32Array => modelFeatures(spec, languageRows, lexCount ? signs : undefined, t, lang);
const wordSpec = { ...spec, charNgrams: [] as number[] };
/** Language copies of the word n-grams only: base ids, copies of the first m (word features come first), then the count ids. */
function wordCopies(f: Int32Array, t: string): Int32Array {
  let n = 0;
  while (n < f.length && f[n]! < spec.buckets) n++;
  if (n === f.length) return f;
  const m = Math.min(n, featurizeTokens(wordSpec, tokenize(t)).length);
  const out = new Int32Array(f.length - (n - m));
  out.set(f.subarray(0, n + m));
  out.set(f.subarray(2 * n), n + m);
  return out;
}
const EXTRA_ROWS = 16;
const featHits: Record<string, number> = {};
const extraStart = spec.buckets * (1 + languageRows.length);
const protoId = (s: string): number => 1 + (hashString(`\u0002cx\u0001${s}`) % (spec.buckets - 1));
/** The prototype features of one text appended to its ids. */
function withFeat(f: Int32Array, t: string, lang: string, fc: FeatCfg | undefined): Int32Array {
  if (!fc) return f;
  const l = rowLanguage(lang) ?? '';
  const block = languageRows.indexOf(l);
  if (block < 0 && fc.place !== 'extra') return f;
  const names: string[] = [];
  const c = implicitComplaint(t, lang);
  if (c && fc.kinds) names.push(`cmp_${c.kind}`);
  if (c && fc.any) names.push('cmp_any');
  if (fc.negPos) {
    const table = signs.get(l);
    if (table && tokenize(t).some((tk) => tk.kind === 'word' && tk.neg && !tk.intensifier && table.sign(wordHash(tk.text)) > 0)) names.push('negpos');
  }
  // Longer character n-grams of the words (padded ^word$), in the language block only, for the languages named.
  const chars: number[] = [];
  if (fc.charLangs?.includes(l) && block >= 0) {
    for (const tk of tokenize(t)) {
      if (tk.kind !== 'word') continue;
      const w = `^${tk.text}$`;
      for (const n of fc.charN ?? [5]) for (let i = 0; i + n <= w.length; i++) chars.push(protoId(`c${n}:${w.slice(i, i + n)}`) + (block + 1) * spec.buckets);
    }
  }
  if (names.length === 0 && chars.length === 0) return f;
  for (const n of names) featHits[n] = (featHits[n] ?? 0) + 1;
  const ids = [...names.map((n) => (fc.place === 'extra' ? extraStart + (protoId(n) % EXTRA_ROWS) : protoId(n) + (block + 1) * spec.buckets)), ...new Set(chars)];
  const out = new Int32Array(f.length + ids.length);
  out.set(f);
  out.set(ids, f.length);
  return out;
}

function trainItems(hp: Hyper, f: (t: string, l: string) => Int32Array, augment: Cfg['augment'] = [], domainOf?: (set: string) => number, binaryLoss = false, constOnly = false, setPower = 1, trainFrac = 1): TrainItem[] {
  // Size-tempered set weights: a set of n texts weighs n^p in all, scaled so the sets (cx-seed aside) keep their total.
  const sized = inDomain.filter((s) => s.name !== 'cx-seed');
  const total = sized.reduce((a, s) => a + s.train.length, 0), tempered = sized.reduce((a, s) => a + s.train.length ** setPower, 0);
  const powerOf = (s: { name: string; train: unknown[] }): number => (setPower === 1 || s.name === 'cx-seed' ? 1 : (s.train.length ** (setPower - 1) * total) / tempered);
  const items: TrainItem[] = [];
  // Cross-lingual augmentation: a set's training texts once more, featurized as another language (its block), at a weight.
  for (const a of augment) {
    const s = inDomain.find((x) => x.name === a.from)!;
    const counts = [0, 0, 0];
    for (const ex of s.train) counts[ex.label]!++;
    const k = counts.filter((c) => c > 0).length;
    for (const ex of s.train) items.push({ features: f(ex.text, a.as), label: ex.label, weight: a.weight * Math.min(hp.classWeightCap, s.train.length / (k * counts[ex.label]!)) });
  }
  for (const full of inDomain) {
    // trainFrac < 1: a fixed share of every set's training texts (by a hash of the text), to see what more data is worth.
    const s = trainFrac < 1 ? { ...full, train: full.train.filter((ex) => hashString(`frac\u0001${ex.text}`) / 2 ** 32 < trainFrac) } : full;
    const counts = [0, 0, 0];
    for (const ex of s.train) counts[ex.label]!++;
    const k = counts.filter((c) => c > 0).length;
    const sw = (hp.setWeights[s.name] ?? 1) * powerOf(s);
    const d = domainOf?.(s.name) ?? -1;
    for (const ex of s.train) {
      let features = f(ex.text, langOf(ex, s));
      if (d >= 0 && constOnly) {
        const out = new Int32Array(features.length + 1);
        out.set(features);
        out[features.length] = domainBase + d;
        features = out;
      } else if (d >= 0) {
        // Copies of the base ids in the set's training-only block.
        let n = 0;
        while (n < features.length && features[n]! < spec.buckets) n++;
        const out = new Int32Array(features.length + n);
        out.set(features);
        for (let j = 0; j < n; j++) out[features.length + j] = features[j]! + domainBase + d * spec.buckets;
        features = out;
      }
      items.push({ features, label: ex.label, weight: sw * Math.min(hp.classWeightCap, s.train.length / (k * counts[ex.label]!)), ...(binaryLoss && s.binary ? { classes: [0, 2] } : {}) });
    }
  }
  const mean = items.reduce((a, it) => a + it.weight, 0) / items.length;
  for (const it of items) it.weight /= mean;
  return items;
}

function decide(l: ArrayLike<number>, i: number, binary: boolean): number {
  const neg = l[i * 3]!, neu = l[i * 3 + 1]!, pos = l[i * 3 + 2]!;
  if (binary) return pos >= neg ? 2 : 0;
  return neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
}

function validReport(ws: HeadWeights[], vf: Int32Array[][]): { mean: number; per: Record<string, number>; negPR: Record<string, string> } {
  const per: Record<string, number> = {};
  const negPR: Record<string, string> = {};
  let sum = 0;
  inDomain.forEach((s, k) => {
    if (s.valid.length === 0) return;
    const l = forwardLogits(ws, vf[k]!, 'sqrtn');
    const r = classificationReport(s.valid.map((e) => e.label), s.valid.map((_, i) => decide(l, i, s.binary)), SENTIMENT_LABELS);
    per[s.name] = Number(r.macroF1.toFixed(4));
    negPR[s.name] = `${r.perClass[0]!.precision.toFixed(3)}/${r.perClass[0]!.recall.toFixed(3)}`;
    sum += r.macroF1;
  });
  return { mean: sum / Object.keys(per).length, per, negPR };
}

const domainBase = extraStart + EXTRA_ROWS;
const cache = new Map<string, { items: TrainItem[]; vf: Int32Array[][] }>();
for (const c of cfgs) {
  const t0 = performance.now();
  const hp = resolveHyper(parseHyper(c.hyper ?? ''));
  const key = `lc${hp.lexCount}/${JSON.stringify(c.feat ?? {})}/${c.copies ?? ''}`;
  const f0 = (t: string, l: string): Int32Array => withFeat(feats(t, l, hp.lexCount === 1), t, l, c.feat);
  const f = c.copies === 'words' ? (t: string, l: string): Int32Array => wordCopies(f0(t, l), t) : f0;
  if (!cache.has(key)) cache.set(key, { items: [], vf: inDomain.map((s) => s.valid.map((e) => f(e.text, langOf(e, s)))) });
  const { vf } = cache.get(key)!;
  const groupNames = c.domain ? [...new Set(inDomain.map((s) => c.domain!.groups?.[s.name] ?? s.name))] : [];
  const domainOf = c.domain ? (set: string): number => groupNames.indexOf(c.domain!.groups?.[set] ?? set) : undefined;
  const items = trainItems(hp, f, c.augment, domainOf, c.binaryLoss === true, c.domain?.constOnly === true, c.setPower ?? 1, c.trainFrac ?? 1);
  if (c.feat) console.error(`${c.name}: prototype features fired ${JSON.stringify(featHits)} (training and validation texts, cumulative)`);
  const rows = domainBase + groupNames.length * (c.domain?.constOnly ? 1 : spec.buckets);
  const init = hp.lexPrior > 0 ? lexiconPrior(lexEntries, { spec, languageRows, numClasses: 3, strength: hp.lexPrior, negated: hp.lexNeg, shared: hp.lexShared, sibling: hp.lexSibling }) : undefined;
  // nbScope 1 as in train.ts: the factors only in the language blocks outside NB_SCOPE_EXCLUDED.
  const scopeBlocks = !c.nbBlocks && hp.nbScope === 1 ? languageRows.map((l, b) => (NB_SCOPE_EXCLUDED.includes(l) ? -1 : b + 1)).filter((b) => b > 0) : undefined;
  let lrScale: Float32Array | undefined = hp.nbScale > 0 ? nbLrScale(items, rows, spec.buckets, 3, hp.nbScale, scopeBlocks) : undefined;
  if (lrScale && c.nbBlocks) {
    // NB scaling only in the named language blocks: every other row back to factor 1.
    const keep = new Set(c.nbBlocks.map((l) => languageRows.indexOf(l) + 1));
    for (let b = 0; b <= languageRows.length; b++) if (!keep.has(b)) lrScale.fill(1, b * spec.buckets * 3, (b + 1) * spec.buckets * 3);
  }
  if (c.blockLr) {
    lrScale ??= new Float32Array(rows * 3).fill(1);
    for (const [lang, f] of Object.entries(c.blockLr)) {
      const b = languageRows.indexOf(lang) + 1;
      for (let j = b * spec.buckets * 3; j < (b + 1) * spec.buckets * 3; j++) lrScale[j] = lrScale[j]! * f;
    }
  }
  const members: HeadWeights[][] = [];
  const memberLines: string[] = [];
  for (const s of c.seeds ?? [seed]) {
    const tr = new LinearBagTrainer({ rows, buckets: spec.buckets, numClasses: 3, lr: hp.linearLr, l2: hp.l2, langDropout: hp.langDropout, langLrScale: hp.langLrScale, seed: s, ...(init ? { init } : {}), ...(lrScale ? { lrScale } : {}), ...(c.domain ? { normBelow: domainBase, extraDropout: c.domain.dropout ?? 0 } : {}), ...(c.loss ?? {}) });
    const shuffle = rng(s ^ 0x5eed);
    const its = items.slice();
    let best = { f: -1, epoch: 0, w: tr.snapshot() };
    const snaps: HeadWeights[][] = [];
    const byEpoch: string[] = [];
    for (let e = 1; e <= (c.epochs ?? 6); e++) {
      for (let i = its.length - 1; i > 0; i--) { const j = Math.floor(shuffle() * (i + 1)); [its[i], its[j]] = [its[j]!, its[i]!]; }
      for (let b = 0; b < its.length; b += hp.batchSize) tr.trainBatch(its.slice(b, b + hp.batchSize));
      const w = tr.snapshot();
      const r = validReport(w, vf);
      byEpoch.push(`${e}:${r.mean.toFixed(4)}/nb${r.per['nb-norec-sentence']!.toFixed(3)}/da${r.per['da-political']!.toFixed(3)}`);
      if (c.avgEpochs?.includes(e)) snaps.push(w);
      if (r.mean > best.f) best = { f: r.mean, epoch: e, w };
    }
    const chosen = c.avgEpochs ? average(snaps) : best.w;
    members.push(chosen);
    if (c.separate) {
      const r = validReport(chosen, vf);
      console.log(JSON.stringify({ name: `${c.name}#${s}`, mean: Number(r.mean.toFixed(4)), nb: r.per['nb-norec-sentence'], da: r.per['da-political'], per: r.per, negPR: r.negPR }));
    }
    memberLines.push(`seed ${s} best epoch ${best.epoch} ${best.f.toFixed(4)} [${byEpoch.join(' ')}]`);
  }
  if (c.separate) continue;
  const avg = average(members);
  const r = validReport(avg, vf);
  console.log(JSON.stringify({ name: c.name, hyper: c.hyper ?? '', seeds: c.seeds ?? [seed], blockLr: c.blockLr, avgEpochs: c.avgEpochs, mean: Number(r.mean.toFixed(4)), nb: r.per['nb-norec-sentence'], da: r.per['da-political'], per: r.per, negPR: r.negPR, members: memberLines, sec: Math.round((performance.now() - t0) / 1000) }));
}

function average(ms: HeadWeights[][]): HeadWeights[] {
  if (ms.length === 1) return ms[0]!;
  return ms[0]!.map((w, j) => {
    const v = new Float32Array(w.values.length);
    for (const m of ms) { const x = m[j]!.values; for (let i = 0; i < v.length; i++) v[i]! += x[i]! / ms.length; }
    return { ...w, values: v };
  });
}
