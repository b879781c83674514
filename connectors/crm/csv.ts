/** One CSV record: its cells, the line it starts on (1-based) and its raw text (for the DLQ). */
export interface CsvRecord {
  cells: string[];
  line: number;
  raw: string;
}

/**
 * RFC 4180 records: quoted cells with `""` escapes and line breaks inside quotes, CRLF or LF.
 * The delimiter is `,` unless the header has `;` and no `,` — what Excel writes in Swedish,
 * Norwegian, Danish and German locales. Blank lines are skipped. An unterminated quote is an
 * error naming the line, not a silently merged rest-of-file.
 */
export function parseCsv(text: string): CsvRecord[] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delim = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let startAt = 0;
  const endRecord = (end: number) => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) records.push({ cells, line: startLine, raw: text.slice(startAt, end) });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delim) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      endRecord(i);
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      startLine = line;
      startAt = i + 1;
    } else cell += c;
  }
  if (quoted) throw new Error(`CSV line ${startLine}: a quoted cell is never closed`);
  endRecord(text.length);
  return records;
}
