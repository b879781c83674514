import { readFileSync } from 'node:fs';
import { findPii, PII_KINDS, type PiiKind, type PiiSpan } from '../engine/privacy/index.ts';

/**
 * Precision and recall of the redaction on a labelled JSONL file ({"lang","text","spans":[{start,
 * end,label}]}; test/privacy/redaction-fixture.jsonl). A labelled span counts as found when
 * spans of its kind cover every character of it; a redacted span counts as right when it lies
 * inside a labelled span of its kind. Labels date, amount, order and look-alike mark text that
 * must stay: any redaction touching one counts against it.
 */
export const KEEP_LABELS = ['date', 'amount', 'order', 'look-alike'] as const;
const NATIONAL_IDS = ['se-personnummer', 'no-fodselsnummer', 'dk-cpr', 'de-steuer-id'] as const;

export interface LabelledSpan {
  start: number;
  end: number;
  label: string;
}
export interface LabelledLine {
  lang: string;
  text: string;
  spans: LabelledSpan[];
}

export interface KindScore {
  kind: string;
  labelled: number;
  found: number;
  redacted: number;
  right: number;
  recall: number;
  precision: number;
}
export interface KeepScore {
  label: string;
  spans: number;
  leftAlone: number;
}
export interface RedactionScores {
  lines: number;
  kinds: KindScore[];
  keep: KeepScore[];
  /** Redactions on text with no label at all, for reading: `[kind] "text"`. */
  wrong: string[];
  missed: string[];
}

const kindOf = (label: string): PiiKind | undefined =>
  (NATIONAL_IDS as readonly string[]).includes(label) ? 'national-id' : (PII_KINDS as readonly string[]).includes(label) ? (label as PiiKind) : undefined;

export function readLabelledLines(path: string): LabelledLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const line = JSON.parse(l) as LabelledLine;
      if (typeof line.text !== 'string' || !Array.isArray(line.spans)) throw new Error(`${path}:${i + 1}: expected {"lang","text","spans"}`);
      return line;
    });
}

export function scoreRedaction(lines: readonly LabelledLine[], opts: { names?: boolean } = {}): RedactionScores {
  const rows = new Map<string, { labelled: number; found: number; redacted: number; right: number }>();
  const row = (k: string) => rows.get(k) ?? (rows.set(k, { labelled: 0, found: 0, redacted: 0, right: 0 }), rows.get(k)!);
  const keep = new Map<string, KeepScore>(KEEP_LABELS.map((l) => [l, { label: l, spans: 0, leftAlone: 0 }]));
  const wrong: string[] = [];
  const missed: string[] = [];
  for (const line of lines) {
    const predicted = findPii(line.text, opts);
    const gold = line.spans.filter((s) => kindOf(s.label) !== undefined && (opts.names !== false || !['address', 'name'].includes(s.label)));
    for (const g of gold) {
      const kind = kindOf(g.label)!;
      const covered = coveredBy(g, predicted.filter((p) => p.kind === kind));
      for (const k of new Set([kind, g.label])) {
        row(k).labelled++;
        if (covered) row(k).found++;
      }
      if (!covered) missed.push(`[${g.label}] ${JSON.stringify(line.text.slice(g.start, g.end))} in ${JSON.stringify(line.text)}`);
    }
    for (const p of predicted) {
      const ok = gold.some((g) => kindOf(g.label) === p.kind && p.start >= g.start && p.end <= g.end);
      for (const k of new Set<string>([p.kind, ...(p.id ? [p.id] : [])])) {
        row(k).redacted++;
        if (ok) row(k).right++;
      }
      if (!ok) wrong.push(`[${p.kind}] ${JSON.stringify(line.text.slice(p.start, p.end))} in ${JSON.stringify(line.text)}`);
    }
    for (const s of line.spans) {
      const k = keep.get(s.label);
      if (!k) continue;
      k.spans++;
      if (!predicted.some((p) => p.start < s.end && p.end > s.start)) k.leftAlone++;
    }
  }
  const order = [...PII_KINDS.flatMap((k) => (k === 'national-id' ? [k, ...NATIONAL_IDS] : [k]))].filter((k) => rows.has(k));
  const kinds = order.map((kind) => {
    const r = rows.get(kind)!;
    return { kind, ...r, recall: r.labelled ? r.found / r.labelled : 1, precision: r.redacted ? r.right / r.redacted : 1 };
  });
  return { lines: lines.length, kinds, keep: [...keep.values()], wrong, missed };
}

/** Whether spans cover every character of `g` except spaces and punctuation at its edges. */
function coveredBy(g: LabelledSpan, spans: readonly PiiSpan[]): boolean {
  let at = g.start;
  for (const p of [...spans].sort((a, b) => a.start - b.start)) {
    if (p.end <= at || p.start > at) continue;
    at = p.end;
    if (at >= g.end) return true;
  }
  return at >= g.end;
}

const pct = (x: number) => x.toFixed(3);

/** The figures as Markdown tables, as the README shows them. */
export function formatRedactionScores(s: RedactionScores): string {
  const out = [
    `${s.lines} labelled messages`,
    '',
    '| kind | labelled | found | recall | redacted | right | precision |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...s.kinds.map((k) => `| ${NATIONAL_IDS.includes(k.kind as never) ? `  ${k.kind}` : k.kind} | ${k.labelled} | ${k.found} | ${pct(k.recall)} | ${k.redacted} | ${k.right} | ${pct(k.precision)} |`),
    '',
    '| must stay | spans | left alone |',
    '| --- | ---: | ---: |',
    ...s.keep.map((k) => `| ${k.label} | ${k.spans} | ${k.leftAlone} |`),
  ];
  return out.join('\n') + '\n';
}
