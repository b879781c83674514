import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLabelledLines, scoreRedaction } from '../../bench/redaction.ts';
import { buildFixture, FIXTURE_PATH, toJsonl } from './fixture/build.ts';

const CHECKSUMMED = ['national-id', 'se-personnummer', 'no-fodselsnummer', 'dk-cpr', 'de-steuer-id', 'iban', 'card'];

describe('the labelled redaction fixture', () => {
  const lines = readLabelledLines(FIXTURE_PATH);

  it('is what the generator writes from the handwritten messages (npx tsx test/privacy/fixture/build.ts)', () => {
    expect(readFileSync(FIXTURE_PATH, 'utf8')).toBe(toJsonl(buildFixture()));
  });

  it('has at least 250 messages, at least 40 in each of the five languages, and every kind labelled', () => {
    expect(lines.length).toBeGreaterThanOrEqual(250);
    for (const lang of ['en', 'sv', 'nb', 'da', 'de']) expect(lines.filter((l) => l.lang === lang).length).toBeGreaterThanOrEqual(40);
    const labels = new Set(lines.flatMap((l) => l.spans.map((s) => s.label)));
    for (const l of [...CHECKSUMMED.slice(1), 'email', 'phone', 'address', 'name', 'date', 'amount', 'order', 'look-alike']) expect(labels).toContain(l);
  });

  it('is redacted with recall >= 0.95 on checksummed kinds, precision >= 0.95 on every kind, dates, amounts and look-alikes untouched', () => {
    const s = scoreRedaction(lines);
    const by = new Map(s.kinds.map((k) => [k.kind, k]));
    for (const k of CHECKSUMMED) expect(by.get(k)?.recall, k).toBeGreaterThanOrEqual(0.95);
    for (const k of s.kinds) expect(k.precision, k.kind).toBeGreaterThanOrEqual(0.95);
    // The best-effort kinds: floors a little under today's figures (README), so a regression shows.
    expect(by.get('address')!.recall).toBeGreaterThanOrEqual(0.9);
    expect(by.get('name')!.recall).toBeGreaterThanOrEqual(0.85);
    for (const k of s.keep.filter((k) => k.label !== 'order')) expect(k.leftAlone, k.label).toBe(k.spans);
    const orders = s.keep.find((k) => k.label === 'order')!;
    expect(orders.leftAlone / orders.spans).toBeGreaterThanOrEqual(0.95);
  });

  it('redacts no address and no name with the best effort switched off, and the same identifiers', () => {
    const on = scoreRedaction(lines);
    const off = scoreRedaction(lines, { names: false });
    const by = (s: typeof on) => new Map(s.kinds.map((k) => [k.kind, k]));
    expect(by(off).get('name')).toBeUndefined();
    expect(by(off).get('address')).toBeUndefined();
    for (const k of CHECKSUMMED) expect(by(off).get(k)?.found, k).toBe(by(on).get(k)?.found);
  });
});
