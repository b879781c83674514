import { jsonTooDeep, MAX_JSON_DEPTH } from '../../engine/util/index.ts';
import { connectorError, type ConnectorError } from './errors.ts';

export type Decoded<T> = { ok: true; value: T; text: string } | { ok: false; error: ConnectorError; text: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Bytes to text: UTF-8 (a BOM is dropped), or UTF-16 when a byte-order mark says so (Windows
 * exporters write that). Anything else that is not valid UTF-8 is refused rather than guessed:
 * a wrong guess would score mojibake. `text` is always set, lossy on failure, for the DLQ.
 */
export function decodeText(bytes: Uint8Array, what = 'payload'): Decoded<string> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (b[0] === 0xff && b[1] === 0xfe) return ok(new TextDecoder('utf-16le', { fatal: true }).decode(b));
    if (b[0] === 0xfe && b[1] === 0xff) return ok(new TextDecoder('utf-16be', { fatal: true }).decode(b));
    return ok(utf8.decode(b));
  } catch {
    const at = firstInvalidUtf8(b);
    return {
      ok: false,
      text: b.toString('utf8'),
      error: connectorError(
        'CX_ERR_BAD_ENCODING',
        `${what} is not valid UTF-8 (first bad byte 0x${(b[at] ?? 0).toString(16)} at offset ${at}); send UTF-8, or UTF-16 with a byte-order mark`,
      ),
    };
  }
}

const ok = (text: string): Decoded<string> => ({ ok: true, value: text, text });

function firstInvalidUtf8(b: Buffer): number {
  // Binary search on the longest prefix that decodes: cheap, and gives the sender an offset to look at.
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** Bytes to a JSON value, with the encoding and syntax errors in the catalog's words. */
export function decodeJson(bytes: Uint8Array, what = 'payload'): Decoded<unknown> {
  const t = decodeText(bytes, what);
  if (!t.ok) return t;
  const deep = jsonTooDeep(t.value);
  if (deep >= 0) return { ok: false, text: t.value, error: connectorError('CX_ERR_INVALID_JSON', `${what} nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (at character ${deep})`) };
  try {
    return { ok: true, value: JSON.parse(t.value), text: t.value };
  } catch (e) {
    return { ok: false, text: t.value, error: connectorError('CX_ERR_INVALID_JSON', `${what} is not valid JSON: ${(e as Error).message}`) };
  }
}

/** A plain JSON object (not an array or null), for narrowing parsed input. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
