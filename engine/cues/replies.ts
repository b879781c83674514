import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FORMALITY_LABELS, TOPIC_LABELS, type FormalityLabel, type TopicLabel } from '../event/types.ts';
import { CUE_LANGS, type CueLang } from './rules.ts';

/**
 * Suggested replies are data (`replies.default.json`, or the file in CXPULSE_REPLIES_FILE) because
 * the wording is the customer's brand voice: they edit it, not the code. Layout:
 * `replies.<topic>.<lang>.<formal|informal>`. A topic left out gets no suggestion; a topic that is
 * present must have every language and both formalities, so an agent never gets a reply in the
 * wrong language. Checked at start, like the rules file.
 */
export const DEFAULT_REPLIES_FILE = fileURLToPath(new URL('./replies.default.json', import.meta.url));

export type ReplyTemplates = Partial<Record<TopicLabel, Record<CueLang, Record<FormalityLabel, string>>>>;

export class ReplyTemplatesError extends Error {
  override name = 'ReplyTemplatesError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed replies document; throws ReplyTemplatesError naming the entry at fault. */
export function parseReplyTemplates(doc: unknown): ReplyTemplates {
  if (!isObj(doc)) throw new ReplyTemplatesError('replies file: expected a JSON object');
  if (!isObj(doc.replies)) throw new ReplyTemplatesError('replies: missing or not an object');
  const out: ReplyTemplates = {};
  for (const [topic, byLang] of Object.entries(doc.replies)) {
    if (!(TOPIC_LABELS as readonly string[]).includes(topic)) throw new ReplyTemplatesError(`replies.${topic}: unknown topic (known: ${TOPIC_LABELS.join(', ')})`);
    if (!isObj(byLang)) throw new ReplyTemplatesError(`replies.${topic}: expected an object with one entry per language (${CUE_LANGS.join(', ')})`);
    for (const lang of Object.keys(byLang)) {
      if (!(CUE_LANGS as readonly string[]).includes(lang)) throw new ReplyTemplatesError(`replies.${topic}.${lang}: unknown language (known: ${CUE_LANGS.join(', ')})`);
    }
    const langs = {} as Record<CueLang, Record<FormalityLabel, string>>;
    for (const lang of CUE_LANGS) {
      const byForm = byLang[lang];
      if (!isObj(byForm)) throw new ReplyTemplatesError(`replies.${topic}.${lang}: missing or not an object with "formal" and "informal"`);
      const forms = {} as Record<FormalityLabel, string>;
      for (const f of FORMALITY_LABELS) {
        const t = byForm[f];
        if (typeof t !== 'string' || t.trim() === '') throw new ReplyTemplatesError(`replies.${topic}.${lang}.${f}: missing or empty`);
        // Replies go to a customer after the agent's edit; a stray `{name}` would reach them verbatim.
        if (/\{[^{}]*\}/.test(t)) throw new ReplyTemplatesError(`replies.${topic}.${lang}.${f}: placeholders are not supported; write the reply as it should be sent`);
        forms[f] = t;
      }
      langs[lang] = forms;
    }
    out[topic as TopicLabel] = langs;
  }
  return out;
}

/** Loads and checks the replies file (default: the one shipped beside this module). */
export function loadReplyTemplates(file: string = DEFAULT_REPLIES_FILE): ReplyTemplates {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ReplyTemplatesError(`replies file ${file}: cannot read (${(e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ReplyTemplatesError(`replies file ${file}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseReplyTemplates(doc);
  } catch (e) {
    throw new ReplyTemplatesError(`replies file ${file}: ${(e as Error).message}`);
  }
}
