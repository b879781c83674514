import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../engine/config/index.ts';
import { PSEUDONYM_KEY_FILE, pseudonymKey, privacySettings } from '../../engine/runtime/privacy.ts';
import { customerEraser, erasureTarget } from '../../engine/runtime/index.ts';
import { createPseudonymizer } from '../../engine/privacy/index.ts';

const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cxpulse-key-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function capture() {
  const lines: string[] = [];
  return { log: pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }), lines };
}

describe('the pseudonym key', () => {
  it('is CXPULSE_PSEUDONYM_KEY when set, and no file is made', () => {
    const dir = dataDir();
    const key = 'k'.repeat(40);
    expect(pseudonymKey(loadConfig({ CXPULSE_DATA_DIR: dir, CXPULSE_PSEUDONYM_KEY: key }), capture().log)).toBe(key);
    expect(() => statSync(join(dir, PSEUDONYM_KEY_FILE))).toThrow();
  });

  it('refuses a key shorter than 32 characters at start', () => {
    expect(() => loadConfig({ CXPULSE_PSEUDONYM_KEY: 'short' })).toThrow(/CXPULSE_PSEUDONYM_KEY/);
  });

  it('is made once in the data dir (mode 0600, with a warning) when unset, and read back after', () => {
    const dir = dataDir();
    const first = capture();
    const key = pseudonymKey(loadConfig({ CXPULSE_DATA_DIR: dir }), first.log)!;
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, PSEUDONYM_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(first.lines.join('')).toContain('set CXPULSE_PSEUDONYM_KEY');
    const second = capture();
    expect(pseudonymKey(loadConfig({ CXPULSE_DATA_DIR: dir }), second.log)).toBe(key);
    expect(second.lines).toEqual([]);
  });

  it('refuses a key file holding too short a key rather than using it', () => {
    const dir = dataDir();
    writeFileSync(join(dir, PSEUDONYM_KEY_FILE), 'abc\n');
    expect(() => pseudonymKey(loadConfig({ CXPULSE_DATA_DIR: dir }), capture().log)).toThrow(/shorter than 32/);
  });

  it('is not needed when pseudonymisation is off, but the erasure log still gets a key', () => {
    const dir = dataDir();
    const settings = privacySettings(loadConfig({ CXPULSE_DATA_DIR: dir, CXPULSE_PSEUDONYMIZE: 'off' }), capture().log);
    expect(settings.key).toBeUndefined();
    expect(settings.pseudonymize('email:a@example.com')).toBe('email:a@example.com');
    expect(settings.logKey()).toBe(readFileSync(join(dir, PSEUDONYM_KEY_FILE), 'utf8').trim());
  });
});

describe('the erasure target', () => {
  it('is the pseudonym and the id as given, and recognises a raw id in a waiting message by hashing it', () => {
    const p = createPseudonymizer('k'.repeat(40));
    const raw = 'email:a@example.com';
    const byRaw = erasureTarget(raw, p);
    expect(byRaw.ids).toEqual([p(raw), raw]);
    const byPseudonym = erasureTarget(p(raw), p);
    expect(byPseudonym.ids).toEqual([p(raw)]);
    for (const t of [byRaw, byPseudonym]) {
      expect(t.matches(raw)).toBe(true);
      expect(t.matches(p(raw))).toBe(true);
      expect(t.matches('email:b@example.com')).toBe(false);
      expect(t.matches(p('email:b@example.com'))).toBe(false);
    }
  });
});

describe('erasure and the pseudonymizer', () => {
  it('leaves the id as sent nowhere in the cache of recent pseudonyms, and the other customers there', async () => {
    const p = createPseudonymizer('k'.repeat(40));
    for (const id of ['email:a@example.com', 'email:b@example.com']) p(id);
    const erase = customerEraser({ pseudonymize: p, logKey: () => 'k'.repeat(40), log: pino({ level: 'silent' }), settleMs: 0 });
    const report = await erase('email:a@example.com');
    expect(report.complete).toBe(true);
    expect(p.cached?.('email:a@example.com')).toBe(false);
    expect(p.cached?.('email:b@example.com')).toBe(true);
  });
});
