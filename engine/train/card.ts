/**
 * MODEL_CARD.md for a trained sentiment model: data with licence and attribution (as given in
 * ../shared/data/README.md), split method, held-out figures, limits, how to retrain.
 */
import type { ModelManifest } from '../model/manifest.ts';
import type { SetReport, TrainReport } from './index.ts';

/** Licence / terms and attribution of each set, as stated in the data README. */
export const SET_SOURCES: Record<string, { licence: string; source: string }> = {
  'en-goemotions': { licence: 'CC BY 4.0', source: 'GoEmotions, Demszky et al., ACL 2020; splits as redistributed in RhiM1/GoEmotions-pytorch `data/group`' },
  'en-uci-sentences': { licence: 'see the set\'s readme.txt (cite the paper)', source: 'Sentiment Labelled Sentences (Amazon, Yelp, IMDb), Kotzias et al., KDD 2015, UCI repository; via kvrao/sentiment_analysis' },
  'nb-norec-sentence': { licence: 'CC BY-NC 4.0; models trained on it may be used commercially (the authors\' terms)', source: 'NoReC_fine sentence-level 3-class, ltgoslo/norec_sentence `3class/`' },
  'sv-twitter': { licence: 'no licence stated by the author: research use only', source: 'Swedish tweets from a master\'s thesis corpus, niklas-palm/sentiment-classification `data/train_set.csv`' },
  'sv-swe-sentiment': { licence: '"free to use for research or hobby projects" (the authors\' README)', source: 'Swedish tweets and YouTube comments with emojis, lovisaberggren/swe-sentiment-dataset' },
  'de-sb10k': { licence: 'labels CC BY 4.0 (Cieliebak et al. 2017); tweet texts recovered by a third party', source: 'SB10k, via oliverguhr/german-sentiment `source-data/SB10k`' },
  'de-potts': { licence: 'research corpus, redistributed with an MIT-licensed project', source: 'PotTS, Sidarenka, LREC 2016, via oliverguhr/german-sentiment `source-data/PotTS`' },
  'da-political': { licence: 'CC BY-NC-SA 4.0', source: 'Danish social-media comments on political news, steffan267/Sentiment-Analysis-on-Danish-Social-Media `all_sentences.tsv`' },
  'de-germeval2017': { licence: 'GermEval 2017 shared-task data; check its terms before commercial use', source: 'GermEval 2017 (Deutsche Bahn customer feedback) dev set, via oliverguhr/german-sentiment `source-data/germeval2017`' },
};

const pct = (x: number): string => x.toFixed(3);

function row(r: SetReport): string {
  return `| ${r.name} | ${r.lang} | ${r.trainExamples} | ${r.heldOut} | ${r.n} | ${pct(r.accuracy)} | ${pct(r.macroF1)} |`;
}

function perClass(r: SetReport): string {
  const lines = ['| class | precision | recall | F1 | support |', '| --- | --- | --- | --- | --- |'];
  for (const c of r.perClass) lines.push(`| ${c.label} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${c.support} |`);
  lines.push('', 'Confusion matrix (rows = truth, columns = prediction; negative, neutral, positive):', '', '```');
  for (const rowVals of r.confusion) lines.push(rowVals.map((v) => String(v).padStart(6)).join(''));
  lines.push('```');
  return lines.join('\n');
}

export function renderModelCard(report: TrainReport, manifest: ModelManifest): string {
  const used = [...report.sets, ...report.outOfDomain];
  const a = manifest.architecture;
  const f = manifest.featurizer;
  return `# Model card: ${manifest.version}

Three-class sentiment (negative / neutral / positive) for customer messages in English, Swedish,
Norwegian Bokmål, Danish and German. Written by \`engine/train\` (seed ${report.seed}); do not edit by hand.

## What it is
- fastText-style embedding bag in TF.js: hashed features -> ${a.dim}-dim embedding rows -> mean -> ${a.hidden > 0 ? `ReLU ${a.hidden} -> ` : ''}dense -> softmax.
- Features (\`engine/model/featurize.ts\`, tokenizer v${f.tokenizerVersion}): NFKC + lower case; words, emojis, emoticons, \`!\`/\`?\`;
  the ${f.negationScope} words after a negator (en, sv, nb, da, de) get a \`NEG_\` mark; word unigrams, word bigrams
  (not across punctuation) and character ${f.charNgrams.join('/')}-grams of words; FNV-1a 32-bit hashed into ${f.buckets} ids
  (0 = padding), at most ${f.maxFeatures} per text.
- Embedding table stored as TF.js uint8-quantized weights; the figures below were measured on these quantized weights
  through \`loadTextScorer\`, i.e. exactly what ships.
- Output: \`score = p(positive) - p(negative)\` in -1..1, \`label\` = most probable class, \`confidence\` = its probability.
  Probabilities are temperature-scaled (T = ${String(manifest.training?.['temperature'] ?? 1)}, fitted on the validation parts and folded into
  the output layer), so confidences are less saturated; labels are unaffected.

## Training data
| set | language | used for | licence / terms | source and attribution |
| --- | --- | --- | --- | --- |
${used.map((r) => `| ${r.name} | ${r.lang} | ${r.trainExamples > 0 ? 'training + held-out test' : 'held-out test only'} | ${SET_SOURCES[r.name]?.licence ?? 'see ../shared/data/README.md'} | ${SET_SOURCES[r.name]?.source ?? ''} |`).join('\n')}

**Licence of these weights.** Several training sets are non-commercial or research-only (NoReC is CC BY-NC but
its authors allow commercial use of trained models; da-political is CC BY-NC-SA; the Swedish sets are research/hobby
use; PotTS is a research corpus). Treat the committed weights as research/evaluation weights. For commercial use,
retrain on permissively licensed data or your own tickets, e.g. \`--sets en-goemotions,de-sb10k\` (see below).

Label mapping: GoEmotions \`sentiment_group\` with 'ambiguous' removed, keeping rows with exactly one remaining
polarity (rows labelled both e.g. negative and positive are dropped); PotTS and SB10k drop 'mixed'; da-political
maps the sign of its -2..2 score (0 = neutral); UCI sentences are binary (no neutral class).

## How the held-out parts were made
- GoEmotions: trained on \`train\`, epoch chosen on \`dev\`, reported on \`test\`.
- NoReC: trained on \`train\` (10% carved out for epoch choice), reported on \`dev\` (its \`test\` is kept aside upstream).
- All other sets: a seeded split on a hash of the normalised text (FNV-1a of seed + text): 15% held out, 10%
  validation, 75% train. Hashing the text means duplicates (retweets) always land on the same side.
- GermEval 2017 (Deutsche Bahn customer feedback) is never trained on: an out-of-domain test.
- Of the ${report.epochsRun} epochs run, the one with the best mean validation macro-F1 was kept: epoch ${report.bestEpoch}.

## Held-out results (${report.trainExamples} training texts, ${report.wallSec} s wall time on ${report.backend})
| set | lang | train rows | held-out part | n | accuracy | macro-F1 |
| --- | --- | --- | --- | --- | --- | --- |
${report.sets.map(row).join('\n')}

Binary sets (UCI) are scored by the sign of \`score\` and their macro-F1 is over negative/positive.
Pooled over the 3-class held-out parts: accuracy ${pct(report.overall.accuracy)}, macro-F1 ${pct(report.overall.macroF1)}
(n = ${report.overall.n}); mean of per-set macro-F1 ${pct(report.overall.meanSetMacroF1)}.

### Out of domain: ${report.outOfDomain.map((r) => `${r.name} (n = ${r.n}): accuracy ${pct(r.accuracy)}, macro-F1 ${pct(r.macroF1)}`).join('; ') || 'none'}
${report.outOfDomain.map(perClass).join('\n\n')}

## Known limits
- A bag of n-grams: no word order beyond bigrams, so sarcasm, irony and "polite but irritated" phrasing are mostly
  missed; negation is handled only for the few words after a negator (German/Scandinavian verb-final or post-verbal
  negation like "gillar det inte" relies on bigrams).
- Social-media and review training data, not support tickets: the out-of-domain GermEval figures are the best guide
  to real customer feedback. Long texts (emails) are cut at ${f.maxFeatures} features, unigrams first.
- German tweets are hard for every model (a German BERT reaches about 0.65 micro-F1 on PotTS); Danish and Swedish
  training sets are small. Scores of different languages are not calibrated against each other.
- Unknown words still get character n-gram features, but spelling far from the training data scores near neutral.

## How to retrain
\`\`\`
npx tsx engine/train/main.ts --data ../shared/data --out models/sentiment [--seed 42] [--epochs 4] [--sets en-goemotions,de-sb10k]
\`\`\`
Training is seeded and deterministic for a given data folder and backend; it writes manifest.json, weights.bin,
metrics.json and this card. Run \`npx vitest run test/model\` afterwards: the fixture sentences must still pass.
`;
}
