/** Nesting any input of ours may have: events and connector payloads are a few levels deep. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first position where JSON text nests deeper than `max` arrays and objects, or -1. A linear
 * scan that skips strings, run before JSON.parse: parsing megabytes of `[[[[...` costs seconds of
 * the event loop (about 2 s for 4 MiB, Node 20), and a value that deep breaks JSON.stringify later.
 * Malformed text is left for JSON.parse to describe.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
