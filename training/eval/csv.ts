/**
 * Delimited text (CSV, TSV) for every training and evaluation reader, parsed by csv-parse.
 * Lenient where the data sets need it: a quote inside an unquoted field is kept as text, rows
 * may differ in length (each reader checks its own columns), blank lines are skipped, a BOM is
 * dropped, and \n, \r\n and \r all end a record. Malformed input (an unclosed quote) fails with
 * the file and line.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvOptions {
  /** Field delimiter; default ','. */
  delimiter?: string;
  /** Quote character; default '"'; '' turns quoting off (plain TSV where quotes are text). */
  quote?: string;
  /** Named in errors; default "CSV input". */
  file?: string;
}

/** One record and the line it starts on (a quoted field may span lines). */
export interface CsvRecord { line: number; fields: string[] }

export function parseCsvRecords(input: string, opts: CsvOptions = {}): CsvRecord[] {
  const quote = opts.quote ?? '"';
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(input, {
      delimiter: opts.delimiter ?? ',',
      // A quote inside a quoted field is written twice, whatever the quote character.
      ...(quote === '' ? { quote: false } : { quote, escape: quote }),
      record_delimiter: ['\r\n', '\n', '\r'],
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof parsed; // with `info`, each record comes as { record, info }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines;
    throw new Error(`${opts.file ?? 'CSV input'}${line ? `: line ${line}` : ''}: ${err.message}`);
  }
  // csv-parse reports the line a record ends on; the line it starts on is what a reader looks for.
  return parsed.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
    fields: record,
  }));
}

/** The records' fields only. */
export function parseDelimited(input: string, opts: CsvOptions = {}): string[][] {
  return parseCsvRecords(input, opts).map((r) => r.fields);
}
