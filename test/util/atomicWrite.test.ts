import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../engine/util/index.ts';

describe('writeFileAtomic', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces an existing file and leaves no temporary file behind', () => {
    dir = mkdtempSync(join(tmpdir(), 'cxpulse-atomic-'));
    const file = join(dir, 'manifest.json');
    writeFileSync(file, 'old');
    writeFileAtomic(file, '{"new":true}\n');
    writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array([1, 2, 3]));
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    expect([...readFileSync(join(dir, 'weights.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'weights.bin']);
  });

  it('fails on a missing folder without creating the target', () => {
    dir = mkdtempSync(join(tmpdir(), 'cxpulse-atomic-'));
    expect(() => writeFileAtomic(join(dir, 'absent', 'x.json'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
