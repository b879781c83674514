import { parse, CsvError } from 'csv-parse/sync';

/** One CSV record: its cells, the line it starts on (1-based) and its text as written. */
export interface CsvRecord {
  cells: string[];
  line: number;
  raw: string;
}

/** Nordic and German spreadsheets export with `;` (the comma is their decimal mark). */
function delimiterOf(text: string): ',' | ';' {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  return firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
}

/**
 * Parses CSV text (RFC 4180 quoting, CRLF, LF or CR line ends, `,` or `;` as the first line shows)
 * with csv-parse. Empty lines are skipped; rows may differ in length (the caller names the row).
 * Throws on an unreadable structure (a quote never closed), naming the line.
 */
export function parseCsv(text: string): CsvRecord[] {
  let lastLine = 0;
  let rows: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    rows = parse(text, {
      delimiter: delimiterOf(text),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      // A quote inside an unquoted cell (`5" screen`) is a character, as spreadsheets write it.
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      on_record: (record, context) => ((lastLine = context.lines), record),
    }) as unknown as typeof rows;
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') throw new Error(`CSV line ${firstContentLine(text, lastLine)}: a quoted cell is never closed`);
    throw new Error(`CSV: ${e.message}`);
  }
  return rows.map(({ record, raw, info }) => {
    // csv-parse's raw text keeps the line ends around a record; `info.lines` is the line it ends on.
    const written = raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
    return { cells: record, line: info.lines - (written.match(/\n/g)?.length ?? 0), raw: written };
  });
}

/** The first non-blank line after line `after` (1-based): where a record that failed began. */
function firstContentLine(text: string, after: number): number {
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = after; i < lines.length; i++) if (lines[i]!.trim() !== '') return i + 1;
  return after + 1;
}
