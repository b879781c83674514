/**
 * Loaders for the labelled sets in ../shared/data (see its README). Each loader checks the file
 * format it expects and returns train / valid / test parts. `test` is the held-out part that is
 * only ever used for the reported figures; `valid` (carved from training data) picks the epoch.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fromPackageRoot } from '../../engine/config/index.ts';
import { hashString, normalizeText } from '../../engine/model/index.ts';
import { parseDelimited } from '../eval/csv.ts';
import { readLabelledFile } from '../eval/read.ts';

/** Index into SENTIMENT_LABELS: 0 negative, 1 neutral, 2 positive. */
export type LabelId = 0 | 1 | 2;
/** `lang`: only where a file says it per line (own tickets); public sets have one language per set. */
export interface Example { text: string; label: LabelId; lang?: string }

export interface LabelledSet {
  name: string;
  lang: string;
  /** Only negative/positive labels: scored by the sign of p(pos) - p(neg). */
  binary: boolean;
  /** Never trained on: a different domain, reported separately. */
  outOfDomain: boolean;
  /** How the held-out part was made, for the model card. */
  heldOut: string;
  train: Example[];
  valid: Example[];
  test: Example[];
}

const NEG = 0, NEU = 1, POS = 2;
const TEST_PCT = 15;
const VALID_PCT = 10;

function read(dataDir: string, rel: string): string {
  const path = join(dataDir, rel);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read training file ${path}: ${(err as Error).message}`);
  }
}

function bad(file: string, row: number, why: string): Error {
  return new Error(`${file}: row ${row}: ${why}`);
}

/** Seeded split on the normalised text, so duplicates (retweets) never straddle parts. */
function bucketOf(text: string, seed: number): number {
  return hashString(`${seed}\u0000${normalizeText(text).replace(/\s+/g, ' ').trim()}`) % 100;
}

function splitOwn(all: Example[], seed: number): Pick<LabelledSet, 'train' | 'valid' | 'test'> {
  const out = { train: [] as Example[], valid: [] as Example[], test: [] as Example[] };
  for (const ex of all) {
    const b = bucketOf(ex.text, seed);
    (b < TEST_PCT ? out.test : b < TEST_PCT + VALID_PCT ? out.valid : out.train).push(ex);
  }
  return out;
}

/**
 * Carve `valid` out of a given training file; the set's own dev/test file stays the test. With
 * `groupOf`, whole groups (e.g. all sentences of one review) go to one side, so validation is
 * judged on unseen documents as the official test split is.
 */
function splitValid(train: Example[], seed: number, groupOf?: (index: number) => string): { train: Example[]; valid: Example[] } {
  const out = { train: [] as Example[], valid: [] as Example[] };
  train.forEach((ex, i) => {
    const b = groupOf ? hashString(`${seed}\u0000${groupOf(i)}`) % 100 : bucketOf(ex.text, seed);
    (b < VALID_PCT ? out.valid : out.train).push(ex);
  });
  return out;
}

function labelTsv(file: string, text: string, map: (label: string) => LabelId | null): Example[] {
  const out: Example[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.indexOf('\t');
    if (tab < 0) throw bad(file, i + 1, 'expected "label<TAB>text"');
    const label = map(line.slice(0, tab).trim());
    const t = line.slice(tab + 1).trim();
    if (label !== null && t !== '') out.push({ text: t, label });
  });
  return out;
}

function goEmotions(dataDir: string, part: string): Example[] {
  const file = `en-goemotions/sentiment_group_${part}.tsv`;
  const labels = read(dataDir, 'en-goemotions/sentiment_group_labels.txt').split('\n').map((s) => s.trim()).filter(Boolean);
  if (labels.join(',') !== 'ambiguous,negative,neutral,positive') throw new Error(`${file}: unexpected label list ${labels.join(',')}`);
  const out: Example[] = [];
  parseDelimited(read(dataDir, file), { delimiter: '\t', quote: '', file }).forEach((row, i) => {
    if (row.length !== 3) throw bad(file, i + 1, `expected 3 columns, got ${row.length}`);
    // Drop 'ambiguous' (id 0); keep a row only if exactly one polarity group remains.
    const ids = new Set(row[1]!.split(',').map(Number).filter((id) => id !== 0));
    if (ids.size !== 1) return;
    const id = [...ids][0]!;
    out.push({ text: row[0]!, label: (id - 1) as LabelId });
  });
  return out;
}

/** One UCI file: "sentence<TAB>0|1" per line (the label is after the last tab). */
export function uciFile(dataDir: string, file: string): Example[] {
  const rel = `en-uci-sentences/${file}`;
  const swapped = read(dataDir, rel).split('\n').map((l) => {
    const tab = l.lastIndexOf('\t');
    return tab < 0 ? l : `${l.slice(tab + 1).trim()}\t${l.slice(0, tab)}`;
  }).join('\n');
  return labelTsv(rel, swapped, (l) => (l === '0' ? NEG : l === '1' ? POS : null));
}

/** A JSONL file of {"text","label"} with negative/neutral/positive labels (the customer-to-brand sets). */
function jsonlLabelled(dataDir: string, rel: string): Example[] {
  const map: Record<string, LabelId> = { negative: NEG, neutral: NEU, positive: POS };
  return read(dataDir, rel).split('\n').flatMap((line, i): Example[] => {
    if (!line.trim()) return [];
    let row: { text?: unknown; label?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw bad(rel, i + 1, 'not JSON');
    }
    const label = map[String(row.label)];
    if (typeof row.text !== 'string' || label === undefined) throw bad(rel, i + 1, 'expected {"text", "label": negative|neutral|positive}');
    return row.text.trim() ? [{ text: row.text, label }] : [];
  });
}

type Loader = (dataDir: string, seed: number) => LabelledSet;

/**
 * Our own hand-written customer-service messages (data/eval/cx-handwritten.jsonl, `cxpulse eval`'s
 * JSONL format): 60 per language (en, sv, nb, da, de), 20 per label. Never trained on: an
 * out-of-domain test of the support domain, which no public set covers in the Nordic languages
 * and German. Written by the same team as the fixtures, so it is a supplement, not a real-data figure.
 */
export const HANDWRITTEN_SET = 'cx-handwritten';
export const HANDWRITTEN_FILE = fromPackageRoot('data', 'eval', 'cx-handwritten.jsonl');

/** A labelled file of ours, read by `cxpulse eval`'s reader; any bad line is an error naming it (our data must be clean). */
function readOurFile(file: string): Example[] {
  const f = readLabelledFile(file);
  const first = f.skipped[0];
  if (first) throw bad(file, first.line, first.reason);
  return f.rows.map((r): Example => ({ text: r.text, label: r.label, lang: r.lang ?? 'und' }));
}

export function loadHandwrittenSet(file = HANDWRITTEN_FILE): LabelledSet {
  const test = readOurFile(file);
  return { name: HANDWRITTEN_SET, lang: 'mul', binary: false, outOfDomain: true, heldOut: 'hand-written, never trained on (out of domain)', train: [], valid: [], test };
}

/**
 * Customer-service messages we wrote for training (data/sentiment/seed.jsonl, the JSONL
 * `cxpulse eval` reads, {"lang","label","text"}; a "split" key is ignored): the support domain in all five languages, which no public
 * set covers outside German. Written separately from cx-handwritten (the test), which a test keeps
 * disjoint. No validation or test part: too small to choose on, and cx-handwritten is its test.
 */
export const SEED_SET = 'cx-seed';
const SEED_FILE = fromPackageRoot('data', 'sentiment', 'seed.jsonl');

export function loadSeedSet(file = SEED_FILE): LabelledSet {
  return { name: SEED_SET, lang: 'mul', binary: false, outOfDomain: false, heldOut: 'none (tested on cx-handwritten)', train: readOurFile(file), valid: [], test: [] };
}

const LOADERS: Record<string, Loader> = {
  [HANDWRITTEN_SET]: () => loadHandwrittenSet(),
  [SEED_SET]: () => loadSeedSet(),
  'en-goemotions': (d) => ({
    name: 'en-goemotions', lang: 'en', binary: false, outOfDomain: false,
    heldOut: 'official test split (dev split used for epoch choice)',
    train: goEmotions(d, 'train'), valid: goEmotions(d, 'dev'), test: goEmotions(d, 'test'),
  }),
  'en-uci-yelp-imdb': (d, seed) => ({
    name: 'en-uci-yelp-imdb', lang: 'en', binary: true, outOfDomain: false, heldOut: 'own seeded 15% split',
    ...splitOwn([...uciFile(d, 'yelp_labelled.txt'), ...uciFile(d, 'imdb_labelled.txt')], seed),
  }),
  // Amazon cell-phone reviews (products, delivery, support): never trained on, so English is also
  // measured on a domain the model did not see (a model is judged on text from a domain it was not trained on).
  'en-uci-amazon': (d) => ({
    name: 'en-uci-amazon', lang: 'en', binary: true, outOfDomain: true,
    heldOut: 'whole set held out (out of domain)', train: [], valid: [], test: uciFile(d, 'amazon_cells_labelled.txt'),
  }),
  // Customers talking to and about companies: the support domain in English.
  'en-tweeteval': (d, seed) => ({
    name: 'en-tweeteval', lang: 'en', binary: false, outOfDomain: false, heldOut: 'own seeded 15% split (of its val and test files together)',
    ...splitOwn(jsonlLabelled(d, 'en-tweeteval/sentiment.jsonl'), seed),
  }),
  'en-brand-tweets': (d, seed) => ({
    name: 'en-brand-tweets', lang: 'en', binary: false, outOfDomain: false, heldOut: 'own seeded 15% split (tweets at @Apple and about Apple/Google products)',
    ...splitOwn([...jsonlLabelled(d, 'en-brand-tweets/apple.jsonl'), ...jsonlLabelled(d, 'en-brand-tweets/sxsw-products.jsonl')], seed),
  }),
  'en-trustpilot-mt': (d, seed) => ({
    name: 'en-trustpilot-mt', lang: 'en', binary: true, outOfDomain: false, heldOut: 'own seeded 15% split (company reviews, machine-translated)',
    ...splitOwn(jsonlLabelled(d, 'en-trustpilot-mt/reviews.jsonl'), seed),
  }),
  'nb-norec-sentence': (d, seed) => {
    // sent_id is "<review>-<paragraph>-<sentence>": validation takes whole reviews, as the dev split does.
    const reviews: string[] = [];
    const load = (part: string): Example[] => {
      const file = `nb-norec-sentence/${part}.json`;
      const rows = JSON.parse(read(d, file)) as { sent_id?: unknown; text?: unknown; label?: unknown }[];
      const map: Record<string, LabelId> = { Negative: NEG, Neutral: NEU, Positive: POS };
      return rows.map((r, i) => {
        const label = map[String(r.label)];
        if (typeof r.text !== 'string' || label === undefined) throw bad(file, i + 1, 'expected {text, label}');
        if (part === 'train') reviews.push(String(r.sent_id ?? i).split('-')[0]!);
        return { text: r.text, label };
      });
    };
    const train = load('train');
    return { name: 'nb-norec-sentence', lang: 'nb', binary: false, outOfDomain: false, heldOut: 'official dev split', ...splitValid(train, seed, (i) => reviews[i]!), test: load('dev') };
  },
  'sv-twitter': (d, seed) => {
    const file = 'sv-twitter/train.csv';
    const rows = parseDelimited(read(d, file), { delimiter: ',', quote: '|', file });
    if (rows[0]?.join(',') !== 'Tweet,Sentiment') throw bad(file, 1, 'expected header Tweet,Sentiment');
    const all = rows.slice(1).flatMap((r, i): Example[] => {
      const label = ({ '-1': NEG, '0': NEU, '1': POS } as Record<string, LabelId>)[(r[1] ?? '').trim()];
      if (r.length !== 2 || label === undefined) throw bad(file, i + 2, 'expected "tweet,-1|0|1"');
      const t = r[0]!.trim();
      return t ? [{ text: t, label }] : [];
    });
    return { name: 'sv-twitter', lang: 'sv', binary: false, outOfDomain: false, heldOut: 'own seeded 15% split', ...splitOwn(all, seed) };
  },
  'sv-swe-sentiment': (d, seed) => {
    const file = 'sv-swe-sentiment/train.csv';
    const rows = parseDelimited(read(d, file), { file });
    if (rows[0]?.[0] !== 'text' || rows[0]?.[1] !== 'label') throw bad(file, 1, 'expected header text,label,...');
    const all = rows.slice(1).map((r, i): Example => {
      const label = ({ neg: NEG, neu: NEU, pos: POS } as Record<string, LabelId>)[r[1] ?? ''];
      if (label === undefined) throw bad(file, i + 2, `unknown label ${r[1]}`);
      return { text: r[0]!, label };
    });
    return { name: 'sv-swe-sentiment', lang: 'sv', binary: false, outOfDomain: false, heldOut: 'own seeded 15% split', ...splitOwn(all, seed) };
  },
  'de-sb10k': (d, seed) => germanTweets(d, seed, 'de-sb10k'),
  'de-potts': (d, seed) => germanTweets(d, seed, 'de-potts'),
  'da-political': (d, seed) => {
    const all = labelTsv('da-political/train.tsv', read(d, 'da-political/train.tsv'), (s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || Math.abs(n) > 2) throw new Error(`da-political/train.tsv: bad score ${s}`);
      return n < 0 ? NEG : n > 0 ? POS : NEU;
    });
    return { name: 'da-political', lang: 'da', binary: false, outOfDomain: false, heldOut: 'own seeded 15% split', ...splitOwn(all, seed) };
  },
  'de-germeval2017': (d, seed) => {
    const file = 'de-germeval2017/dev.tsv';
    const all = parseDelimited(read(d, file), { delimiter: '\t', quote: '', file }).map((r, i): Example => {
      r = r.map(unquoteGermEval);
      const label = ({ negative: NEG, neutral: NEU, positive: POS } as Record<string, LabelId>)[r[3] ?? ''];
      if (r.length < 4 || label === undefined) throw bad(file, i + 1, 'expected url, text, relevance, sentiment[, aspects]');
      return { text: r[1]!, label };
    });
    // The only real customer-feedback set in a language we serve: trained on (its official test sets stay aside upstream).
    return { name: 'de-germeval2017', lang: 'de', binary: false, outOfDomain: false, heldOut: 'own seeded 15% split (Deutsche Bahn customer feedback)', ...splitOwn(all, seed) };
  },
};

/**
 * GermEval's dev.tsv has fields that open a quote, close it mid-field and go on ("Title" | Site "Body ...").
 * No CSV dialect reads that, so the fields are split on tabs alone and a leading quoted part is
 * unquoted here: the quoted part loses its quotes ("" inside it is one quote), the rest stays as written.
 * This keeps the texts exactly as the shipped model was trained on them.
 */
function unquoteGermEval(field: string): string {
  if (!field.startsWith('"')) return field;
  let out = '';
  let i = 1;
  for (; i < field.length; i++) {
    if (field[i] !== '"') out += field[i];
    else if (field[i + 1] === '"') { out += '"'; i++; } else { i++; break; }
  }
  return out + field.slice(i);
}

function germanTweets(d: string, seed: number, name: string): LabelledSet {
  const map: Record<string, LabelId | null> = { negative: NEG, neutral: NEU, positive: POS, mixed: null };
  const all = labelTsv(`${name}/train.tsv`, read(d, `${name}/train.tsv`), (s) => {
    const l = map[s];
    if (l === undefined) throw new Error(`${name}/train.tsv: unknown label ${s}`);
    return l;
  });
  return { name, lang: 'de', binary: false, outOfDomain: false, heldOut: "own seeded 15% split ('mixed' dropped)", ...splitOwn(all, seed) };
}

export const SENTIMENT_SETS = Object.keys(LOADERS);

/** Sets that are only ever held out; always evaluated, whatever sets are trained on. */
export const OUT_OF_DOMAIN_SETS = ['en-uci-amazon', HANDWRITTEN_SET];

/** Loads the named sets (default: all). Throws naming the file on any format surprise. */
export function loadSentimentSets(dataDir: string, seed: number, names: readonly string[] = SENTIMENT_SETS): LabelledSet[] {
  return names.map((n) => {
    const loader = LOADERS[n];
    if (!loader) throw new Error(`unknown data set ${n}; known: ${SENTIMENT_SETS.join(', ')}`);
    return loader(dataDir, seed);
  });
}

/**
 * A company's own labelled tickets, in the format `cxpulse eval` reads (JSONL `{"text","label","lang"?}`
 * or CSV with a header): split like the public sets (seeded 15% held out, 10% validation, on a
 * hash of the text). Bad lines are skipped and reported through `log`, never fatal; a file with
 * no usable line is an error naming it.
 */
export function loadOwnSet(path: string, seed: number, log: (line: string) => void = () => {}): LabelledSet {
  const f = readLabelledFile(path);
  const first = f.skipped[0];
  if (f.rows.length === 0) {
    throw new Error(`${path}: no usable labelled line${first ? ` (${f.skipped.length} skipped; line ${first.line}: ${first.reason})` : ' (the file is empty)'}`);
  }
  if (first) log(`${path}: ${f.skipped.length} line(s) skipped, e.g. line ${first.line}: ${first.reason}`);
  const langs = new Map<string, number>();
  for (const r of f.rows) if (r.lang) langs.set(r.lang, (langs.get(r.lang) ?? 0) + 1);
  const lang = [...langs.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'und';
  const all = f.rows.map((r): Example => (r.lang ? { text: r.text, label: r.label, lang: r.lang } : { text: r.text, label: r.label }));
  return { name: `own:${basename(path)}`, lang, binary: f.binary, outOfDomain: false, heldOut: 'own seeded 15% split', ...splitOwn(all, seed) };
}
