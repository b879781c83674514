/**
 * The featurizer's output may only change with a TOKENIZER_VERSION bump and a retrained model:
 * digests of tokenize() and featurizeWith() over the repo's labelled texts and edge cases, under
 * the shipped spec and four others, as the string-based featurizer gave them at commit a9a1aa2
 * (before the typed-array one in featurize.ts; the two were also compared id by id on 283,065
 * texts: the simulator's and every line of ../shared/data).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../engine/config/paths.ts';
import { defaultFeaturizerSpec, featurizeWith, tokenize } from '../../engine/model/index.ts';

/** Files added to data/ after a9a1aa2: the digests are of the texts that were there then. */
const ADDED_SINCE = new Set(['heads/emotion.jsonl']);

/** The repo's labelled texts (data/) and edge cases: elongations, astral letters, negation scopes, more ids than maxFeatures. */
function texts(): string[] {
  const out: string[] = [];
  for (const d of ['eval', 'heads', 'sentiment']) {
    for (const f of readdirSync(fromPackageRoot('data', d)).filter((x) => x.endsWith('.jsonl') && !ADDED_SINCE.has(`${d}/${x}`)).sort()) {
      for (const l of readFileSync(fromPackageRoot('data', d, f), 'utf8').split('\n')) if (l) out.push((JSON.parse(l) as { text: string }).text);
    }
  }
  return [
    ...out, '', ' ', 'soooo goood!!!', '😀😀😀 x𝐀𝐀𝐀𝐀y ooo', 'Det fungerar inte alls, men tack', "I don't like it. not good!!! ???", 'aaa'.repeat(500),
    Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' '), 'Ｆｕｌｌｗｉｄｔｈ ﬁ ligature ’quoted’ `tick´', 'very very good not very bad',
    '<3 :-) :( xD @user http://x.y/z <url> <id>', 'Das gefällt mir nicht, aber sehr gut', 'ÅÄÖ åäö ÆØ æø ß ü',
  ];
}

/** Featurizer specs: the shipped one, trigrams with few buckets, n-gram lengths not increasing, a low maxFeatures, tiny buckets. */
const SPECS = [
  defaultFeaturizerSpec(), defaultFeaturizerSpec(4096, 50, [2, 3, 5], 3), defaultFeaturizerSpec(1 << 18, 1024, [4, 3]),
  defaultFeaturizerSpec(1 << 18, 10, [3, 4]), defaultFeaturizerSpec(64, 1024, [1, 2, 3, 4, 5, 6], 3),
];

function digests(): { tokens: string; features: string[] } {
  const all = texts();
  const tokens = createHash('sha256');
  for (const t of all) tokens.update(JSON.stringify(tokenize(t))).update('\n');
  const features = SPECS.map((spec) => {
    const h = createHash('sha256');
    for (const t of all) {
      const f = featurizeWith(spec, t);
      h.update(new Uint8Array(Int32Array.from([f.length]).buffer)).update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
    }
    return h.digest('hex').slice(0, 16);
  });
  return { tokens: tokens.digest('hex').slice(0, 16), features };
}

describe('featurizer output (tokenize.ts, featurize.ts)', () => {
  it('is what it was at a9a1aa2 for every text and spec', () => {
    expect(digests()).toEqual({
      tokens: '9a951d2be19195f4',
      features: ['97fe26d093f8736a', '0edfba9aeb673f70', '8324b1c149200174', 'fa0c83441e0bf54d', 'd9c55b42af324a64'],
    });
  });

  it('gives the same ids when called again, and after a text with more ids than maxFeatures', () => {
    const spec = defaultFeaturizerSpec(1 << 18, 10, [3, 4]);
    const text = 'The delivery was late again, but thanks for the quick answer.';
    const first = featurizeWith(spec, text);
    featurizeWith(spec, Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '));
    featurizeWith(defaultFeaturizerSpec(), 'another text with other ids');
    expect(featurizeWith(spec, text)).toEqual(first);
    expect(first.length).toBe(10);
  });
});
