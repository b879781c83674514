import {
  HEADER_FROM_RE,
  HEADER_OTHER_RE,
  isBareAttribution,
  isClientFooter,
  isDatedAttribution,
  isRule,
  isSeparator,
  isSignatureDelimiter,
  mayStartWrappedAttribution,
  signOff,
} from './patterns.ts';

/** What is left of a mail body once the text the customer did not write this time is gone. */
export interface StrippedText {
  text: string;
  /** Quoted earlier mail (attribution + `>` lines, Outlook header blocks, forwards) was removed. */
  quoteStripped: boolean;
  /** A signature, client footer or the block under a sign-off was removed. */
  signatureStripped: boolean;
}

/** How far below a sign-off a signature block may reach (name, title, company, phone, address). */
const MAX_SIGNATURE_LINES = 8;
const MAX_SIGNATURE_LINE_LENGTH = 80;

const isQuoted = (line: string) => /^\s*>/.test(line);
const nextNonBlank = (lines: string[], from: number) => {
  for (let i = from; i < lines.length; i++) if ((lines[i] ?? '').trim() !== '') return i;
  return -1;
};

/** Lines an attribution spans when it starts at `i` (Gmail wraps long ones), or 0 when it is not one. */
function attributionAt(lines: string[], i: number): { span: number; dated: boolean } {
  let joined = (lines[i] ?? '').trim();
  for (let span = 1; span <= 3; span++) {
    if (span > 1) joined = `${joined} ${(lines[i + span - 1] ?? '').trim()}`;
    if (isDatedAttribution(joined)) return { span, dated: true };
    if (span === 1 && isBareAttribution(joined)) return { span, dated: false };
    if (!mayStartWrappedAttribution((lines[i] ?? '').trim())) break;
  }
  return { span: 0, dated: false };
}

/** An Outlook-style quoted header block ("From: … / Sent: … / To: … / Subject: …") starts at `i`. */
function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM_RE.test((lines[i] ?? '').trim())) return false;
  for (let j = i + 1; j <= i + 4 && j < lines.length; j++) {
    if (HEADER_OTHER_RE.test((lines[j] ?? '').trim())) return true;
  }
  return false;
}

/**
 * Removes quoted replies, forwarded mail and signatures from a plain-text mail body, in the
 * formats of English, Swedish, Norwegian, Danish and German mail clients (see `patterns.ts`).
 *
 * - Top-posted replies: everything from the attribution line ("On … wrote:", "Den … skrev:",
 *   "Am … schrieb:"), an "-----Original Message-----" style separator or an Outlook header block
 *   ("Från:/Fra:/Von:" followed by "Skickat:/Sendt:/Gesendet:") on is cut.
 * - Inline replies (an attribution followed by `>` lines with answers between them): the `>`
 *   lines and the attribution go, the answers stay.
 * - Signatures: "-- " and everything under it; mobile footers ("Skickat från min iPhone"); and the
 *   block under a sign-off near the end. The sign-off itself ("Mvh", "Mit freundlichen Grüßen")
 *   is kept as a formality cue, the name, title and phone number under it are cut.
 */
export function stripReply(body: string): StrippedText {
  const lines = body.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n');
  const kept: string[] = [];
  let quoteStripped = false;
  let signatureStripped = false;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trim();
    if (isSignatureDelimiter(raw.trimStart()) || isClientFooter(line)) {
      signatureStripped = true;
      // Top-posted replies put the quote under the signature; say so when it went with it.
      quoteStripped ||= lines.slice(i + 1).some((l) => isQuoted(l) || isSeparator(l.trim()) || isDatedAttribution(l.trim()));
      break;
    }
    if (isSeparator(line) || headerBlockAt(lines, i) || (isRule(line) && headerBlockAt(lines, nextNonBlank(lines, i + 1)))) {
      quoteStripped = true;
      break;
    }
    const attribution = line === '' ? { span: 0, dated: false } : attributionAt(lines, i);
    if (attribution.span > 0) {
      const next = nextNonBlank(lines, i + attribution.span);
      if (next >= 0 && isQuoted(lines[next] ?? '')) {
        // Drop the attribution; the `>` lines below are dropped one by one, answers kept.
        quoteStripped = true;
        i += attribution.span - 1;
        continue;
      }
      if (attribution.dated) {
        quoteStripped = true;
        break;
      }
    }
    if (isQuoted(raw)) {
      quoteStripped = true;
      continue;
    }
    kept.push(raw.trimEnd());
  }

  const signedOff = cutBelowSignOff(kept);
  return { text: tidy(signedOff.lines), quoteStripped, signatureStripped: signatureStripped || signedOff.cut };
}

/** Keeps the sign-off of the closing block and cuts the short lines under it. */
function cutBelowSignOff(lines: string[]): { lines: string[]; cut: boolean } {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? '').trim() === '') end--;
  let short = 0;
  for (let i = end - 1; i >= 0 && short <= MAX_SIGNATURE_LINES; i--) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const kept = signOff(line);
    if (kept !== undefined) {
      const cut = i < end - 1 || kept !== line;
      return { lines: [...lines.slice(0, i), kept], cut };
    }
    // A long line or a postscript under it is the customer's text, not a signature block.
    if (line.length > MAX_SIGNATURE_LINE_LENGTH || /^p\.?\s?s\b/i.test(line)) break;
    short++;
  }
  return { lines, cut: false };
}

/** Trims the ends and squeezes runs of blank lines, which quote removal tends to leave. */
function tidy(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
