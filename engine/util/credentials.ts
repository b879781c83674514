/**
 * Text with the `user:pass@` part of every URL in it cut out (`nats://svc:secret@nats:4222` ->
 * `nats://nats:4222`), for logs, readiness details and error messages. One pass: from each `://`
 * the scan stops at the first `/`, `@` or white space, so the work is linear in the text.
 */
export function withoutCredentials(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    const start = i + 3;
    let j = start;
    while (j < text.length && text[j] !== '/' && text[j] !== '@' && !/\s/.test(text[j]!)) j++;
    if (text[j] === '@') {
      out += text.slice(from, start);
      from = j + 1;
      i = j - 2;
    }
  }
  return out + text.slice(from);
}
