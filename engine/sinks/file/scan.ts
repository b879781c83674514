/** Reads an existing JSONL store at start-up: which ids it holds and where its whole lines end. */
import type { FileHandle } from 'node:fs/promises';

export interface SkippedLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line start. */
  offset: number;
  reason: string;
}

export interface ScanResult {
  ids: string[];
  /** Complete lines that are not a stored event; kept in the file, reported. */
  skipped: SkippedLine[];
  /** Bytes up to the end of the last usable line. Anything after it is a torn tail. */
  validEnd: number;
  fileSize: number;
  /** The last line is a whole event but its newline never made it to disk. */
  missingNewline: boolean;
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export async function scanJsonl(fh: FileHandle): Promise<ScanResult> {
  const { size: fileSize } = await fh.stat();
  const result: ScanResult = { ids: [], skipped: [], validEnd: 0, fileSize, missingNewline: false };
  const chunk = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0;
  let lineNo = 0;
  let pos = 0;

  // Splitting on the 0x0a byte is safe in UTF-8: it never occurs inside a multi-byte character.
  while (pos < fileSize) {
    const { bytesRead } = await fh.read(chunk, 0, CHUNK, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      lineNo += 1;
      const verdict = parseLine(data.subarray(start, nl));
      const offset = carryOffset + start;
      if (typeof verdict === 'string') {
        if (verdict !== '') result.ids.push(verdict);
      } else {
        result.skipped.push({ line: lineNo, offset, reason: verdict.reason });
      }
      result.validEnd = offset + (nl - start) + 1;
      start = nl + 1;
    }
    // Copy: `chunk` is reused by the next read.
    carry = Buffer.from(data.subarray(start));
    carryOffset += start;
  }

  if (carry.length > 0) {
    const verdict = parseLine(carry);
    if (typeof verdict === 'string' && verdict !== '') {
      result.ids.push(verdict);
      result.validEnd = fileSize;
      result.missingNewline = true;
    }
    // Otherwise validEnd stays before it and the caller truncates the torn tail.
  }
  return result;
}

/** The event id, '' for a blank line, or why the line is unusable. */
function parseLine(bytes: Buffer): string | { reason: string } {
  const s = bytes.toString('utf8').trim();
  if (s === '') return '';
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch (err) {
    return { reason: `invalid JSON: ${(err as Error).message}` };
  }
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof value !== 'object' || value === null || typeof id !== 'string' || id === '') {
    return { reason: 'not an event (no string id)' };
  }
  return id;
}
