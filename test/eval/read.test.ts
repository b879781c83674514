import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { normalizeLabel, numericScheme } from '../../training/eval/labels.ts';
import { parseCsvRecords } from '../../training/eval/csv.ts';
import { detectDelimiter, parseLabelled, readLabelledFile } from '../../training/eval/read.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/eval/${name}`, import.meta.url));

describe('label normalisation', () => {
  it('maps words and aliases case-insensitively', () => {
    for (const [raw, id] of [['negative', 0], ['NEG', 0], ['Neutral', 1], ['neu', 1], ['POSITIVE', 2], ['pos', 2], [' positiv ', 2]] as const) {
      expect(normalizeLabel(raw, 'none')).toBe(id);
    }
    expect(normalizeLabel('mixed', 'none')).toBeUndefined();
    expect(normalizeLabel('', 'none')).toBeUndefined();
    expect(normalizeLabel(undefined, 'none')).toBeUndefined();
  });

  it('reads 0 as neutral in a -1/0/1 file and as negative in a 0/1 file', () => {
    expect(numericScheme(['-1', '0', '1'])).toBe('signed');
    expect(numericScheme(['0', '1', '1'])).toBe('binary');
    expect(numericScheme(['0', '1', '2'])).toBe('ambiguous');
    expect(numericScheme(['positive'])).toBe('none');
    expect([normalizeLabel('-1', 'signed'), normalizeLabel('0', 'signed'), normalizeLabel('+1', 'signed')]).toEqual([0, 1, 2]);
    expect([normalizeLabel('0', 'binary'), normalizeLabel('1', 'binary')]).toEqual([0, 2]);
    expect(normalizeLabel('2', 'ambiguous')).toBeUndefined();
  });
});

describe('CSV reading', () => {
  it('detects the delimiter from the header', () => {
    expect(detectDelimiter('text,label')).toBe(',');
    expect(detectDelimiter('id;text;label')).toBe(';');
    expect(detectDelimiter('text\tlabel')).toBe('\t');
    expect(detectDelimiter('"a;b",text,label')).toBe(',');
  });

  it('keeps quoted delimiters, doubled quotes and newlines, with the starting line of each record', () => {
    const recs = parseCsvRecords('a,b\n"x, ""y""",1\n"two\nlines",2\nlast,3', { delimiter: ',' });
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', '1'] },
      { line: 3, fields: ['two\nlines', '2'] },
      { line: 5, fields: ['last', '3'] },
    ]);
  });

  it('reads a ;-delimited CRLF file with quotes and -1/0/1 labels', () => {
    const f = readLabelledFile(fixture('quoted.csv'));
    expect(f.format).toBe('csv');
    expect(f.delimiter).toBe(';');
    expect(f.numericScheme).toBe('signed');
    expect(f.skipped).toEqual([]);
    expect(f.binary).toBe(false);
    expect(f.rows.map((r) => [r.line, r.text, r.label, r.lang])).toEqual([
      [2, 'Great service; thanks a lot, really!', 2, 'en'],
      [3, 'She said "never again", and meant it', 0, 'en'],
      [4, 'A message\nover two lines', 1, 'en'],
      [6, 'Plain text without quotes', 1, 'en'],
      [7, 'Bra; men långsamt', 2, 'sv'],
    ]);
  });

  it('reads a 0/1 file as binary negative/positive', () => {
    const f = readLabelledFile(fixture('binary.csv'));
    expect(f.numericScheme).toBe('binary');
    expect(f.binary).toBe(true);
    expect(f.rows.map((r) => r.label)).toEqual([2, 0, 2, 0]);
  });

  it('names a missing file', () => {
    expect(() => readLabelledFile('/nonexistent/eval.jsonl')).toThrow('cannot read evaluation file /nonexistent/eval.jsonl: it does not exist');
  });

  it('refuses a header without text and label columns', () => {
    expect(() => parseLabelled('x.csv', 'body,sentiment\nhi,1\n')).toThrow(/'text' and 'label'/);
  });
});

describe('JSONL reading', () => {
  it('reads aliases, optional lang and skips blank lines', () => {
    const f = readLabelledFile(fixture('small.jsonl'));
    expect(f.format).toBe('jsonl');
    expect(f.rows.map((r) => [r.line, r.label, r.lang])).toEqual([
      [1, 2, 'en'], [2, 0, 'en'], [3, 1, 'en'], [4, 2, 'sv'], [5, 0, 'sv'], [7, 1, undefined],
    ]);
    expect(f.skipped).toEqual([]);
  });

  it('reports every bad line with its number and reason, never throws', () => {
    const f = readLabelledFile(fixture('bad.jsonl'));
    expect(f.rows.map((r) => r.line)).toEqual([1, 7, 9]);
    expect(f.skipped).toEqual([
      { line: 2, reason: 'not valid JSON' },
      { line: 3, reason: 'missing label' },
      { line: 4, reason: 'unknown label "mixed"' },
      { line: 5, reason: 'missing or empty text' },
      { line: 6, reason: 'not a JSON object' },
      { line: 8, reason: 'missing or empty text' },
    ]);
  });

  it('accepts numeric labels in JSON', () => {
    const f = parseLabelled('x.jsonl', '{"text":"a","label":1}\n{"text":"b","label":0}\n');
    expect(f.numericScheme).toBe('binary');
    expect(f.rows.map((r) => r.label)).toEqual([2, 0]);
  });
});
