/**
 * What replies, forwards and signatures look like in English, Swedish, Norwegian, Danish and
 * German mail, as the common clients (Gmail, Outlook, Apple Mail, Thunderbird, mobile apps) write
 * them. `strip.ts` uses these; add a language by adding its words here (and a test).
 */

/** The verb of an attribution line: "On <date>, <who> wrote:", "Den <date> skrev <who>:", "Am <date> schrieb <who>:". */
const ATTRIBUTION_VERB = String.raw`\b(?:wrote|skrev|schrieb|hat geschrieben|a écrit)\b`;

/** Starts of attribution lines that name a date: Gmail/Thunderbird in each language. */
const ATTRIBUTION_OPENER = String.raw`^(?:on|den|d\.|på|am|le|el)\b`;

/**
 * An attribution line that carries a date (or opens like one) is specific enough to cut at even
 * when the quote below it has no `>` marks (Outlook for Mac, some webmails).
 */
export function isDatedAttribution(line: string): boolean {
  if (line.length > 400 || !line.endsWith(':')) return false;
  if (!new RegExp(`${ATTRIBUTION_VERB}.{0,200}:$`, 'iu').test(line)) return false;
  return new RegExp(ATTRIBUTION_OPENER, 'iu').test(line) || /\d/.test(line);
}

/** "Anna <a@example.com> wrote:" without a date: only trusted when `>` lines follow. */
export function isBareAttribution(line: string): boolean {
  return line.length <= 300 && new RegExp(`${ATTRIBUTION_VERB}.{0,200}:$`, 'iu').test(line);
}

/** An attribution may be wrapped over two or three lines; these openers are worth joining. */
export function mayStartWrappedAttribution(line: string): boolean {
  return new RegExp(ATTRIBUTION_OPENER, 'iu').test(line) || /^\d{1,4}[./ -]/.test(line);
}

/** Separator lines above a quoted or forwarded message (Outlook, Thunderbird, Gmail, Apple Mail). */
const SEPARATORS = [
  'original message', 'forwarded message', 'begin forwarded message',
  'ursprungligt meddelande', 'vidarebefordrat meddelande', 'vidarebefordrat brev',
  'opprinnelig melding', 'videresendt melding', 'videresendt e-post',
  'oprindelig meddelelse', 'videresendt meddelelse', 'videresendt besked',
  'ursprüngliche nachricht', 'weitergeleitete nachricht', 'anfang der weitergeleiteten nachricht',
];
const SEPARATOR_RE = new RegExp(String.raw`^(?:-{2,}|_{2,}|={2,})?\s*(?:${SEPARATORS.join('|')})\s*(?:-{2,}|_{2,}|={2,}|:)?$`, 'iu');

export function isSeparator(line: string): boolean {
  return SEPARATOR_RE.test(line);
}

/** Outlook's rule above the quoted header block. */
export function isRule(line: string): boolean {
  return /^_{10,}$/.test(line) || /^-{10,}$/.test(line);
}

/** First line of a quoted header block: "From:", "Från:", "Fra:", "Von:" (bold in HTML becomes *From:*). */
export const HEADER_FROM_RE = /^\*?(?:from|från|fra|von|de)\s*:\*?\s*\S/iu;
/** The other lines of that block; one of them must follow "From:" closely. */
export const HEADER_OTHER_RE = /^\*?(?:sent|date|to|cc|subject|skickat|datum|till|kopia|ämne|sendt|dato|til|kopi|emne|gesendet|an|betreff)\s*:/iu;

/** Mobile and webmail footers: everything from here on is the client's, not the customer's. */
const CLIENT_FOOTERS = [
  String.raw`sent from my \S.{0,40}`, String.raw`sent from (?:outlook|mail|yahoo mail|gmail)\b.{0,40}`, String.raw`get outlook for \S+`,
  String.raw`skickat från min \S.{0,40}`, String.raw`skickat från (?:outlook|e-post|mail)\b.{0,40}`, String.raw`hämta outlook för \S+`,
  String.raw`sendt fra min \S.{0,40}`, String.raw`sendt fra (?:outlook|mail|e-post)\b.{0,40}`, String.raw`(?:få|hent) outlook for \S+`,
  String.raw`von meinem \S.{0,40} gesendet`, String.raw`gesendet von (?:meinem|outlook|mail)\b.{0,40}`, String.raw`outlook für \S+ beziehen`,
];
const CLIENT_FOOTER_RE = new RegExp(`^(?:${CLIENT_FOOTERS.join('|')})[.!]?$`, 'iu');

export function isClientFooter(line: string): boolean {
  return CLIENT_FOOTER_RE.test(line);
}

/** RFC 3676 signature delimiter "-- " (many clients lose the trailing space). */
export function isSignatureDelimiter(rawLine: string): boolean {
  return /^--[ \t]?$/.test(rawLine);
}

/**
 * Sign-offs, longest first so "med vänliga hälsningar" wins over "hälsningar". The sign-off
 * itself is kept (how formally a customer signs is a tone signal the engine can use); the lines
 * under it (name, title, phone, company) are cut.
 */
const SIGN_OFFS = [
  // English
  'best regards', 'kind regards', 'warm regards', 'warmest regards', 'many thanks', 'thanks in advance', 'thank you',
  'yours sincerely', 'yours faithfully', 'best wishes', 'all the best', 'sincerely', 'regards', 'cheers', 'thanks', 'best', 'br',
  // Swedish
  'med vänliga hälsningar', 'med vänlig hälsning', 'vänliga hälsningar', 'vänlig hälsning', 'bästa hälsningar', 'tack på förhand',
  'tack så mycket', 'ha det bra', 'hälsningar', 'hälsning', 'mvh', 'tack',
  // Norwegian
  'med vennlig hilsen', 'vennlig hilsen', 'beste hilsen', 'på forhånd takk', 'takk for hjelpen', 'hilsen', 'takk',
  // Danish
  'med venlig hilsen', 'venlig hilsen', 'de bedste hilsner', 'bedste hilsner', 'kærlig hilsen', 'på forhånd tak', 'vh', 'tak',
  // German
  'mit freundlichen grüßen', 'mit freundlichen grüssen', 'mit freundlichem gruß', 'freundliche grüße', 'viele grüße',
  'beste grüße', 'liebe grüße', 'herzliche grüße', 'vielen dank', 'danke im voraus', 'grüße', 'gruß', 'danke', 'mfg', 'lg',
].sort((a, b) => b.length - a.length);

const SIGN_OFF_RE = new RegExp(String.raw`^(${SIGN_OFFS.map((s) => s.replace(/\./g, '\\.')).join('|')})(?![\p{L}])[\s,.!]*(.*)$`, 'iu');
/** What may follow a sign-off on its line: a name ("Anna", "Hans-Peter M.", "Team Acme", "Jan af Klint"). */
const NAME_WORD = String.raw`(?:[\p{Lu}][\p{L}.'’-]*|von|van|de|af|av|der|den|zu)`;
const NAME_RE = new RegExp(String.raw`^[\p{Lu}][\p{L}.'’-]*(?:\s+${NAME_WORD}){0,3}$`, 'u');

/**
 * The sign-off as it should be kept when `line` is one ("Thanks!", "Mvh", "Kind regards," — a
 * trailing name on the same line is dropped), else undefined.
 */
export function signOff(line: string): string | undefined {
  const m = SIGN_OFF_RE.exec(line);
  if (!m) return undefined;
  const rest = (m[2] ?? '').trim();
  if (rest === '') return line.trim();
  if (!NAME_RE.test(rest)) return undefined;
  return line.slice(0, line.length - (m[2] ?? '').length).trim().replace(/,$/, '');
}
