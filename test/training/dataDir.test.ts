import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireDataDir } from '../../cli/dataDir.ts';

describe('requireDataDir (cxpulse train and gate --data)', () => {
  it('says in one line that the folder is missing, naming it and the flag', () => {
    expect(() => requireDataDir('/nonexistent/shared/data')).toThrow(/^no labelled data folder at \/nonexistent\/shared\/data: pass --data DIR/);
  });

  it('refuses a file and returns the absolute path of a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-datadir-'));
    try {
      writeFileSync(join(dir, 'f.txt'), 'x');
      expect(() => requireDataDir(join(dir, 'f.txt'))).toThrow(/no labelled data folder/);
      expect(requireDataDir(dir)).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
