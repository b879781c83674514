import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema, ConfigError, readSetting } from '../../engine/config/index.ts';
import { fromPackageRoot } from '../../engine/config/paths.ts';

const SECTION = '## Configuration (environment variables)';

/**
 * Variable names in the first column of the README's configuration table. A cell may name several
 * (`PORT` / `HOST`); a name ending in `*` stands for every variable with that prefix.
 */
function readmeNames(): string[] {
  const readme = readFileSync(fromPackageRoot('README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const rest = readme.slice(start + SECTION.length);
  const end = rest.search(/^## /m);
  const rows = (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z0-9_*]+)`/g)].map((m) => m[1]!));
}

const covers = (name: string, key: string): boolean => (name.endsWith('*') ? key.startsWith(name.slice(0, -1)) : key === name);

describe("the README's configuration table and the config schema", () => {
  const names = readmeNames();
  const keys = Object.keys(EnvSchema.properties);

  it('reads a table', () => {
    expect(names).toContain('PORT');
    expect(names.length).toBeGreaterThan(10);
  });

  it('documents every setting of the schema', () => {
    expect(keys.filter((k) => !names.some((n) => covers(n, k)))).toEqual([]);
  });

  it('documents only settings the schema has', () => {
    expect(names.filter((n) => !keys.some((k) => covers(n, k)))).toEqual([]);
  });
});

describe('readSetting', () => {
  it('converts and checks one setting by its schema entry, ignoring the others', () => {
    const env = { CLICKHOUSE_RETENTION_DAYS: '30', PORT: 'not a port' };
    expect(readSetting('CLICKHOUSE_RETENTION_DAYS', env)).toBe(30);
    expect(readSetting('CLICKHOUSE_DB', env)).toBe('cxpulse');
    expect(readSetting('CXPULSE_TF_BACKEND', { CXPULSE_TF_BACKEND: '' })).toBeUndefined();
    expect(() => readSetting('CXPULSE_TF_BACKEND', { CXPULSE_TF_BACKEND: 'gpu' })).toThrow(ConfigError);
    expect(() => readSetting('CLICKHOUSE_RETENTION_DAYS', { CLICKHOUSE_RETENTION_DAYS: '0' })).toThrow(/CLICKHOUSE_RETENTION_DAYS=.*greater or equal to 1/);
  });
});
