import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMatcher, emailSettings, openPositionStore } from '../../connectors/email/index.ts';
import { loadConfig } from '../../engine/config/index.ts';

/** The e-mail settings as `cxpulse start` reads them: through the engine's config schema. */
const settingsFrom = (env: Record<string, string>) => emailSettings(loadConfig(env));

describe('e-mail connector configuration from the environment', () => {
  it('is off without CXPULSE_IMAP_HOST', () => {
    expect(settingsFrom({})).toBeUndefined();
  });

  it('names every missing variable at once', () => {
    expect(() => settingsFrom({ CXPULSE_IMAP_HOST: 'imap.example.com' })).toThrow(/CXPULSE_IMAP_USER, CXPULSE_IMAP_PASS \(or CXPULSE_IMAP_PASS_FILE\)/);
  });

  it('fills in the documented defaults', () => {
    const o = settingsFrom({ CXPULSE_IMAP_HOST: 'imap.example.com', CXPULSE_IMAP_USER: 'support', CXPULSE_IMAP_PASS: 's3cret' });
    expect(o).toMatchObject({ port: 993, secure: true, folders: ['INBOX'], stateDir: join('.cxpulse', 'email'), markSeen: false, agentAddresses: [], pollIntervalMs: 60_000, maxMessageBytes: 10 * 1024 * 1024, initialSync: 'all' });
  });

  it('reads every variable', () => {
    const o = settingsFrom({
      CXPULSE_IMAP_HOST: 'mail', CXPULSE_IMAP_USER: 'u', CXPULSE_IMAP_PASS: 'p', CXPULSE_IMAP_SECURE: 'false', CXPULSE_IMAP_FOLDERS: 'INBOX, Support/Sverige',
      CXPULSE_IMAP_STATE_DIR: '/var/lib/cx', CXPULSE_IMAP_MARK_SEEN: 'yes', CXPULSE_IMAP_AGENT_ADDRESSES: '@acme.example,boss@example.com',
      CXPULSE_IMAP_POLL_SECONDS: '15', CXPULSE_IMAP_MAX_MESSAGE_BYTES: '1000000', CXPULSE_IMAP_INITIAL_SYNC: 'new',
    });
    expect(o).toMatchObject({ port: 143, secure: false, folders: ['INBOX', 'Support/Sverige'], stateDir: '/var/lib/cx', markSeen: true, agentAddresses: ['@acme.example', 'boss@example.com'], pollIntervalMs: 15_000, maxMessageBytes: 1_000_000, initialSync: 'new' });
  });

  it('takes the password from a file (a Docker or Kubernetes secret)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-pass-'));
    await writeFile(join(dir, 'pass'), 'from-file\n');
    expect(settingsFrom({ CXPULSE_IMAP_HOST: 'h', CXPULSE_IMAP_USER: 'u', CXPULSE_IMAP_PASS_FILE: join(dir, 'pass') })?.pass).toBe('from-file');
    await rm(dir, { recursive: true });
  });

  it('refuses values it cannot read, naming the variable', () => {
    const base = { CXPULSE_IMAP_HOST: 'h', CXPULSE_IMAP_USER: 'u', CXPULSE_IMAP_PASS: 'p' };
    expect(() => settingsFrom({ ...base, CXPULSE_IMAP_MARK_SEEN: 'perhaps' })).toThrow(/CXPULSE_IMAP_MARK_SEEN/);
    expect(() => settingsFrom({ ...base, CXPULSE_IMAP_PORT: '-1' })).toThrow(/CXPULSE_IMAP_PORT/);
    expect(() => settingsFrom({ ...base, CXPULSE_IMAP_INITIAL_SYNC: 'some' })).toThrow(/CXPULSE_IMAP_INITIAL_SYNC/);
  });

  it('recognises agents by address or by domain, ignoring case', () => {
    const isAgent = agentMatcher(['@acme.example', 'acme-support.example', 'Boss@Example.com']);
    expect(['maria@acme.example', 'x@ACME-SUPPORT.example', 'boss@example.com'].map(isAgent)).toEqual([true, true, true]);
    expect(['john@example.com', 'maria@sub.acme.example', 'acme.example@example.org'].map(isAgent)).toEqual([false, false, false]);
  });
});

describe('the folder position file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-positions-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps UIDVALIDITY and last UID per folder across reopening, one file per account', async () => {
    const a = await openPositionStore(dir, 'support@imap.example:993');
    await Promise.all([a.set('INBOX', { uidValidity: '1795507933', lastUid: 41 }), a.set('Support', { uidValidity: '7', lastUid: 3 })]);
    await a.set('INBOX', { uidValidity: '1795507933', lastUid: 42 });
    const again = await openPositionStore(dir, 'support@imap.example:993');
    expect(again.get('INBOX')).toEqual({ uidValidity: '1795507933', lastUid: 42 });
    expect(again.get('Support')).toEqual({ uidValidity: '7', lastUid: 3 });
    expect((await openPositionStore(dir, 'other@imap.example:993')).get('INBOX')).toBeUndefined();
    // Written through a temp file and a rename: no temp file is left behind.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to start from a damaged file rather than silently re-reading the whole mailbox', async () => {
    const store = await openPositionStore(dir, 'acct');
    await writeFile(store.file, '{"version":1,"folders":');
    await expect(openPositionStore(dir, 'acct')).rejects.toThrow(/fix or delete it to rescan/);
  });
});
