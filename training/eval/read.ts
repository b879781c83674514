/**
 * Reads a labelled evaluation file: JSONL `{"text","label","lang"?}` or CSV/TSV with a header
 * naming `text` and `label` (optional `lang`). Every record keeps the line number it starts on,
 * so a skipped record can be pointed at in the file; a bad record is never fatal.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseCsvRecords } from './csv.ts';
import { normalizeLabel, numericScheme, type EvalLabel, type NumericScheme } from './labels.ts';

export interface EvalRow {
  line: number;
  text: string;
  label: EvalLabel;
  lang?: string;
}

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface LabelledFile {
  format: 'jsonl' | 'csv';
  /** CSV only: the delimiter found in the header. */
  delimiter?: string;
  numericScheme: NumericScheme;
  rows: EvalRow[];
  skipped: SkippedLine[];
  /** Only negative and positive occur in the truth: scored as a binary set (see report.ts). */
  binary: boolean;
}

interface RawRecord {
  line: number;
  text?: unknown;
  label?: unknown;
  lang?: unknown;
  error?: string;
}

function readJsonl(input: string): RawRecord[] {
  const out: RawRecord[] = [];
  input.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch {
      out.push({ line, error: 'not valid JSON' });
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      out.push({ line, error: 'not a JSON object' });
      return;
    }
    const r = o as Record<string, unknown>;
    out.push({ line, text: r['text'], label: r['label'], lang: r['lang'] });
  });
  return out;
}

/** Picks the delimiter that occurs most often (outside quotes) on the header line. */
export function detectDelimiter(headerLine: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (const c of headerLine) {
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && c in counts) counts[c]!++;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d]! > counts[best]!) best = d;
  return best;
}

function readCsv(input: string, file: string): { delimiter: string; records: RawRecord[] } {
  const firstLine = input.slice(0, input.search(/\r?\n|$/));
  const delimiter = detectDelimiter(firstLine);
  const [header, ...body] = parseCsvRecords(input, { delimiter, file });
  if (!header) throw new Error('the CSV file is empty');
  const names = header.fields.map((h) => h.trim().toLowerCase());
  const col = (n: string) => names.indexOf(n);
  const [ti, li, gi] = [col('text'), col('label'), col('lang')];
  if (ti < 0 || li < 0) {
    throw new Error(`the CSV header must name 'text' and 'label' columns (found: ${names.join(', ')}; delimiter ${JSON.stringify(delimiter)})`);
  }
  const records = body.map((r): RawRecord => {
    if (r.fields.length <= Math.max(ti, li)) return { line: r.line, error: `only ${r.fields.length} field(s)` };
    return { line: r.line, text: r.fields[ti], label: r.fields[li], lang: gi >= 0 ? r.fields[gi] : undefined };
  });
  return { delimiter, records };
}

/** JSONL if the extension says so (or, without a known extension, if the first character is '{'). */
export function detectFormat(path: string, input: string): 'jsonl' | 'csv' {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  return input.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

const labelText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** Parses the contents of a labelled file; `path` chooses the format and is named in errors. */
export function parseLabelled(path: string, input: string): LabelledFile {
  const format = detectFormat(path, input);
  const { delimiter, records } = format === 'jsonl' ? { delimiter: undefined, records: readJsonl(input) } : readCsv(input, path);
  const scheme = numericScheme(records.map((r) => labelText(r.label) ?? ''));
  const rows: EvalRow[] = [];
  const skipped: SkippedLine[] = [];
  for (const r of records) {
    if (r.error) { skipped.push({ line: r.line, reason: r.error }); continue; }
    if (typeof r.text !== 'string' || r.text.trim() === '') { skipped.push({ line: r.line, reason: 'missing or empty text' }); continue; }
    const raw = labelText(r.label);
    const label = normalizeLabel(raw, scheme);
    if (label === undefined) {
      skipped.push({ line: r.line, reason: raw === undefined || raw.trim() === '' ? 'missing label' : `unknown label ${JSON.stringify(raw)}` });
      continue;
    }
    const lang = typeof r.lang === 'string' && r.lang.trim() !== '' ? r.lang.trim().toLowerCase() : undefined;
    rows.push(lang ? { line: r.line, text: r.text, label, lang } : { line: r.line, text: r.text, label });
  }
  const present = new Set(rows.map((r) => r.label));
  const binary = !present.has(1) && present.has(0) && present.has(2);
  return { format, ...(delimiter ? { delimiter } : {}), numericScheme: scheme, rows, skipped, binary };
}

export function readLabelledFile(path: string): LabelledFile {
  let input: string;
  try {
    input = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read evaluation file ${path}: ${code === 'ENOENT' ? 'it does not exist' : (code ?? String(err))}`);
  }
  return parseLabelled(path, input);
}
