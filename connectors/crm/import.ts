import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConnectorError, ConnectorPublisher } from '../shared/index.ts';
import { readCrmCsv } from './rows.ts';

export interface CsvImportResult {
  rows: number;
  published: number;
  duplicates: number;
  rejected: { line: number; error: ConnectorError }[];
}

/**
 * Imports a CSV file row by row: valid rows are published, each refused row is dead-lettered with
 * its line number and raw text. Unlike the HTTP endpoint this is not all-or-nothing: an export of
 * thousands of rows should not wait on one typo, and a re-run after the fix is harmless because
 * ids are stable. A file refused as a whole (encoding, header) is one DLQ entry and an error.
 */
export async function importCrmCsv(file: string, publisher: ConnectorPublisher): Promise<CsvImportResult> {
  const bytes = await readFile(file);
  const read = readCrmCsv(bytes, basename(file));
  if (!read.ok) {
    await publisher.reject(read.error, bytes.toString('utf8'));
    return { rows: 0, published: 0, duplicates: 0, rejected: [{ line: 1, error: read.error }] };
  }
  const result: CsvImportResult = { rows: read.value.length, published: 0, duplicates: 0, rejected: [] };
  for (const row of read.value) {
    if (!row.ok) {
      await publisher.reject(row.error, row.raw);
      result.rejected.push({ line: row.line, error: row.error });
      continue;
    }
    const outcome = await publisher.publish(row.event, { payload: row.raw });
    if (outcome.status === 'rejected') result.rejected.push({ line: row.line, error: outcome.error });
    else if (outcome.status === 'duplicate') result.duplicates++;
    else result.published++;
  }
  return result;
}
