import { connectorError, decodeText, mapInput, type ConnectorError, type CrmEvent, type Mapped } from '../shared/index.ts';
import { parseCsv } from './csv.ts';
import { NUMERIC_FIELDS, toCrmEvent } from './event.ts';

export const REQUIRED_COLUMNS = ['id', 'type', 'customerId', 'ts'] as const;

/** One CSV data row, mapped: the event, or the reason it is refused (with the row's raw text). */
export type CrmRow = { line: number; raw: string } & ({ ok: true; event: CrmEvent } | { ok: false; error: ConnectorError });

const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** Header -> object: empty cells are absent, `meta.<key>` columns fill `meta`, numeric columns become numbers. */
function rowObject(header: string[], cells: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  header.forEach((col, i) => {
    const cell = (cells[i] ?? '').trim();
    if (cell === '') return;
    if (col.startsWith('meta.')) meta[col.slice(5)] = cell;
    // A decimal comma is what Nordic and German spreadsheets write.
    else if (NUMERIC_FIELDS.has(col)) o[col] = NUMBER.test(cell) ? Number(cell.replace(',', '.')) : cell;
    else o[col] = cell;
  });
  if (Object.keys(meta).length > 0) o.meta = meta;
  return o;
}

/**
 * Reads a CSV export of business events (UTF-8, or UTF-16 with BOM; `,` or `;`). The whole file
 * is refused for a bad encoding, an unreadable structure or a header without the required
 * columns; otherwise every data row is mapped on its own, so one bad row does not hide the rest.
 */
export function readCrmCsv(bytes: Uint8Array, name = 'CSV'): Mapped<CrmRow[]> {
  const t = decodeText(bytes, name);
  if (!t.ok) return t;
  let records;
  try {
    records = parseCsv(t.value);
  } catch (e) {
    return { ok: false, error: connectorError('CX_ERR_INVALID_VALUE', `${name}: ${(e as Error).message}`) };
  }
  const [head, ...data] = records;
  if (!head) return { ok: false, error: connectorError('CX_ERR_EMPTY_BATCH', `${name} has no header row and no events`) };
  const header = head.cells.map((c) => c.trim());
  for (const col of REQUIRED_COLUMNS) {
    if (header.includes(col)) continue;
    return { ok: false, error: connectorError('CX_ERR_MISSING_FIELD', `${name}: the header has no '${col}' column (required: ${REQUIRED_COLUMNS.join(', ')})`, col) };
  }
  const dup = header.find((c, i) => header.indexOf(c) !== i);
  if (dup !== undefined) return { ok: false, error: connectorError('CX_ERR_INVALID_VALUE', `${name}: column '${dup}' appears twice in the header`, dup) };
  if (data.length === 0) return { ok: false, error: connectorError('CX_ERR_EMPTY_BATCH', `${name} has a header but no events`) };
  return {
    ok: true,
    value: data.map((r): CrmRow => {
      const at = { line: r.line, raw: r.raw };
      if (r.cells.length !== header.length) {
        return { ...at, ok: false, error: connectorError('CX_ERR_INVALID_VALUE', `line ${r.line}: ${r.cells.length} cells, but the header has ${header.length}`) };
      }
      const m = mapInput(() => toCrmEvent(rowObject(header, r.cells)));
      if (m.ok) return { ...at, ok: true, event: m.value };
      return { ...at, ok: false, error: { ...m.error, message: `line ${r.line}: ${m.error.message}` } };
    }),
  };
}
