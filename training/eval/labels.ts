/**
 * Label normalisation for labelled evaluation files. Words are mapped directly; numeric labels
 * are ambiguous on their own ("0" is neutral in a -1/0/1 file but negative in a 0/1 file), so
 * the numeric scheme is decided once per file from all the values it contains.
 */
export const EVAL_LABELS = ['negative', 'neutral', 'positive'] as const;
export type EvalLabel = 0 | 1 | 2;

const WORDS: Record<string, EvalLabel> = {
  negative: 0, neg: 0, negativ: 0, '-': 0,
  neutral: 1, neu: 1, neutr: 1, none: 1, objective: 1,
  positive: 2, pos: 2, positiv: 2, '+': 2,
};

/** How numeric labels of a file are read: -1/0/1, 0/1 (binary), or not at all. */
export type NumericScheme = 'signed' | 'binary' | 'ambiguous' | 'none';

const isNumeric = (s: string): boolean => /^[+-]?\d+(\.0+)?$/.test(s);
const numValue = (s: string): number => Number(s);

export function numericScheme(rawLabels: Iterable<string>): NumericScheme {
  const seen = new Set<number>();
  for (const r of rawLabels) {
    const s = r.trim();
    if (isNumeric(s)) seen.add(numValue(s));
  }
  if (seen.size === 0) return 'none';
  if ([...seen].every((v) => v === -1 || v === 0 || v === 1) && seen.has(-1)) return 'signed';
  if ([...seen].every((v) => v === 0 || v === 1)) return 'binary';
  // e.g. 0/1/2 or 1..5 star ratings: no convention is safe to assume, so such lines are skipped.
  return 'ambiguous';
}

/** The class id of a raw label, or undefined when it is missing or unknown. */
export function normalizeLabel(raw: string | undefined, scheme: NumericScheme): EvalLabel | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim().toLowerCase();
  if (s === '') return undefined;
  if (isNumeric(s)) {
    const v = numValue(s);
    if (scheme === 'signed') return v === -1 ? 0 : v === 0 ? 1 : v === 1 ? 2 : undefined;
    if (scheme === 'binary') return v === 0 ? 0 : v === 1 ? 2 : undefined;
    return undefined;
  }
  return WORDS[s];
}
