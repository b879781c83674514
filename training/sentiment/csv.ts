/**
 * Minimal delimited-text reader (RFC 4180 rules with a configurable quote character), enough
 * for the training sets: sv-twitter quotes with `|`, sv-swe-sentiment and GermEval with `"`.
 */
export interface DelimitedOptions {
  delimiter?: string;
  /** Quote character; '' disables quoting (plain TSV). */
  quote?: string;
}

export function parseDelimited(input: string, opts: DelimitedOptions = {}): string[][] {
  const delim = opts.delimiter ?? ',';
  const quote = opts.quote ?? '"';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStart = true;
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === quote) {
        if (text[i + 1] === quote) { field += quote; i++; } else inQuotes = false;
      } else field += c;
      continue;
    }
    if (quote !== '' && c === quote && fieldStart) { inQuotes = true; fieldStart = false; continue; }
    if (c === delim) { row.push(field); field = ''; fieldStart = true; continue; }
    if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = []; field = ''; fieldStart = true;
      continue;
    }
    field += c;
    fieldStart = false;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}
