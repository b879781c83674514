import type { MessageStructureObject } from 'imapflow';

/**
 * Working from the server's BODYSTRUCTURE, for mails too large to download whole (a customer's
 * two-line question with a 40 MB video attached): we fetch only the header block and the text
 * part, so the question is still scored and the attachment never crosses the wire.
 */

export interface AttachmentStats {
  count: number;
  /** Decoded size in bytes (base64 parts are counted at 3/4 of their encoded size). */
  bytes: number;
}

const isAttachment = (n: MessageStructureObject) => (n.disposition ?? '').toLowerCase() === 'attachment';
const isBodyText = (n: MessageStructureObject) => (n.type === 'text/plain' || n.type === 'text/html') && !isAttachment(n);

function leaves(node: MessageStructureObject): MessageStructureObject[] {
  return node.childNodes?.length ? node.childNodes.flatMap(leaves) : [node];
}

/** The text to read: the first inline text/plain, else the first inline text/html. */
export function pickTextPart(root: MessageStructureObject): { part: string; node: MessageStructureObject } | undefined {
  const all = leaves(root).filter(isBodyText);
  const node = all.find((n) => n.type === 'text/plain') ?? all.find((n) => n.type === 'text/html');
  // A message that is not multipart has no part number in BODYSTRUCTURE; its body is part "1".
  return node ? { part: node.part ?? '1', node } : undefined;
}

/** Every leaf that is not the chosen text part counts as an attachment. */
export function attachmentStats(root: MessageStructureObject, textPart?: MessageStructureObject): AttachmentStats {
  let count = 0;
  let bytes = 0;
  for (const n of leaves(root)) {
    if (n === textPart || (isBodyText(n) && textPart !== undefined)) continue;
    count++;
    const size = n.size ?? 0;
    bytes += (n.encoding ?? '').toLowerCase() === 'base64' ? Math.floor((size * 3) / 4) : size;
  }
  return { count, bytes };
}

/** Header names that describe the original body and must not describe the slimmed one. */
const BODY_HEADERS = /^(content-[a-z-]+|mime-version)$/i;

/**
 * A small stand-in for a large mail: its own header block (Date, From, Message-ID, References …
 * parse exactly as in the original) over the one text part, with that part's content type,
 * charset and transfer encoding, so the MIME parser decodes it the same way.
 */
export function slimMessage(headerBlock: Buffer, node: MessageStructureObject, partBody: Buffer): Buffer {
  const kept: string[] = [];
  let keep = true;
  for (const line of headerBlock.toString('latin1').split(/\r?\n/)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      if (keep) kept.push(line);
      continue;
    }
    keep = !BODY_HEADERS.test(line.slice(0, line.indexOf(':')).trim());
    if (keep) kept.push(line);
  }
  const params = Object.entries(node.parameters ?? {})
    .map(([k, v]) => `; ${k}="${v.replace(/["\\\r\n]/g, '')}"`)
    .join('');
  kept.push('MIME-Version: 1.0', `Content-Type: ${node.type}${params}`, `Content-Transfer-Encoding: ${node.encoding ?? '7bit'}`);
  return Buffer.concat([Buffer.from(`${kept.join('\r\n')}\r\n\r\n`, 'latin1'), partBody]);
}
