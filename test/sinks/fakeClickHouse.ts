/**
 * A stand-in ClickHouse HTTP endpoint that claims a given version. It lets the tests drive
 * the current-release code path (no 24.x server can run here) and simulate failures.
 *
 * It keeps just enough catalogue to answer the store: tables and views with their columns,
 * changed by the DDL the store sends (CREATE TABLE/VIEW, ADD COLUMN, DROP TABLE). Tests may
 * seed `tables` to pose as a database left by an older release.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeColumn {
  name: string;
  type: string;
}

export interface FakeTable {
  engine: 'ReplacingMergeTree' | 'View' | 'Memory' | 'MaterializedView';
  columns: FakeColumn[];
}

export interface FakeClickHouse {
  url: string;
  /** Every statement received, in order (INSERT data excluded). */
  statements: string[];
  /** Rows received by INSERTs, parsed, in order. */
  inserted: Record<string, unknown>[];
  /** Rows received by INSERTs into one table (name without database). */
  insertedInto(table: string): Record<string, unknown>[];
  /** The catalogue, by name without database. */
  tables: Map<string, FakeTable>;
  /** What system.tables reports as engine_full (for every table). */
  engineFull: string;
  /** When set, every request except `SELECT version()` fails with this ClickHouse error. */
  failWith: string | undefined;
  /** Runs before each statement is answered: lets a test play a concurrent client. */
  beforeStatement: ((statement: string) => void) | undefined;
  close(): Promise<void>;
}

export async function startFakeClickHouse(version: string): Promise<FakeClickHouse> {
  const tables = new Map<string, FakeTable>();
  const state = {
    statements: [] as string[],
    inserted: [] as { table: string; row: Record<string, unknown> }[],
    engineFull: '',
    failWith: undefined as string | undefined,
    beforeStatement: undefined as ((statement: string) => void) | undefined,
  };
  const modernError = (code: number, text: string, type: string): string =>
    `Code: ${code}. DB::Exception: ${text}. (${type}) (version ${version})\n`;

  /** The reply to one statement: [status, body]. */
  function answer(statement: string, body: string): [number, string] {
    let m: RegExpExecArray | null;
    // INSERT ... SELECT (a rollup's backfill): data stays in the server.
    if (/^INSERT INTO \w+\.\w+[^\n]*\nSELECT /i.test(statement)) return [200, ''];
    if ((m = /^CREATE MATERIALIZED VIEW IF NOT EXISTS \w+\.(\w+) TO /.exec(statement))) {
      if (!tables.has(m[1] ?? '')) tables.set(m[1] ?? '', { engine: 'MaterializedView', columns: [] });
      return [200, ''];
    }
    if ((m = /^INSERT INTO \w+\.(\w+)/i.exec(statement))) {
      const table = m[1] ?? '';
      if (!tables.has(table)) return [404, modernError(60, `Table cxpulse.${table} does not exist`, 'UNKNOWN_TABLE')];
      for (const line of body.split('\n')) if (line.trim()) state.inserted.push({ table, row: JSON.parse(line) as Record<string, unknown> });
      return [200, ''];
    }
    if ((m = /^CREATE TABLE IF NOT EXISTS \w+\.(\w+) \(\n([\s\S]*?)\n\)/.exec(statement))) {
      const columns = (m[2] ?? '').split(',\n').map((l) => {
        const [, name = '', type = ''] = /^\s*(\w+) (.*?)(?: DEFAULT .*)?$/.exec(l) ?? [];
        return { name, type };
      });
      if (!tables.has(m[1] ?? '')) tables.set(m[1] ?? '', { engine: 'ReplacingMergeTree', columns });
      return [200, ''];
    }
    if ((m = /^CREATE VIEW IF NOT EXISTS \w+\.(\w+) AS\nSELECT (.*)\nFROM \w+\.(\w+) FINAL$/.exec(statement))) {
      const from = tables.get(m[3] ?? '')?.columns ?? [];
      const columns = (m[2] ?? '').split(', ').map((name) => ({ name, type: from.find((c) => c.name === name)?.type ?? 'String' }));
      if (!tables.has(m[1] ?? '')) tables.set(m[1] ?? '', { engine: 'View', columns });
      return [200, ''];
    }
    if ((m = /^ALTER TABLE \w+\.(\w+) ADD COLUMN (\w+) (\S+)(?: AFTER (\w+))?$/.exec(statement))) {
      const cols = tables.get(m[1] ?? '')?.columns;
      if (!cols) return [404, modernError(60, `Table cxpulse.${m[1]} does not exist`, 'UNKNOWN_TABLE')];
      if (cols.some((c) => c.name === m?.[2])) return [500, modernError(15, `Cannot add column ${m[2]}: column with this name already exists`, 'DUPLICATE_COLUMN')];
      const at = m[4] === undefined ? cols.length : cols.findIndex((c) => c.name === m?.[4]) + 1;
      cols.splice(at, 0, { name: m[2] ?? '', type: m[3] ?? '' });
      return [200, ''];
    }
    if ((m = /^DROP TABLE IF EXISTS \w+\.(\w+)$/.exec(statement))) {
      tables.delete(m[1] ?? '');
      return [200, ''];
    }
    if ((m = /system\.columns .*table = '(\w+)'/.exec(statement))) {
      const cols = tables.get(m[1] ?? '')?.columns ?? [];
      return [200, cols.map((c) => JSON.stringify(c) + '\n').join('')];
    }
    if ((m = /system\.tables .*name = '(\w+)'/.exec(statement))) {
      const t = tables.get(m[1] ?? '');
      if (!t) return [200, ''];
      const engineFull = t.engine === 'View' ? '' : state.engineFull;
      return [200, `${JSON.stringify({ engine: t.engine, engine_full: engineFull })}\n`];
    }
    if ((m = /^SELECT count\(\) AS n FROM \w+\.rollup_builds WHERE rollup = '(\w+)' AND build = '([\w-]+)'/.exec(statement))) {
      const n = state.inserted.filter((i) => i.table === 'rollup_builds' && i.row.rollup === m?.[1] && i.row.build === m?.[2]).length;
      return [200, `${JSON.stringify({ n })}\n`];
    }
    if (/^SELECT 'ping'/.test(statement)) return [200, 'ping\n'];
    return [200, ''];
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      // Inserts put the statement in the URL and the rows in the body; the rest use the body.
      const statement = (url.searchParams.get('query') ?? body).trim();
      const reply = (status: number, text: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
        res.end(text);
      };
      if (/version\(\)/.test(statement)) return reply(200, `${JSON.stringify({ v: version })}\n`);
      if (state.failWith !== undefined) {
        return reply(500, `Code: 999, e.displayText() = DB::Exception: ${state.failWith}`, { 'X-ClickHouse-Exception-Code': '999' });
      }
      state.statements.push(statement);
      state.beforeStatement?.(statement);
      const [status, text] = answer(statement, body);
      const code = /^Code: (\d+)/.exec(text)?.[1];
      reply(status, text, code ? { 'X-ClickHouse-Exception-Code': code } : {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tables,
    get statements() {
      return state.statements;
    },
    get inserted() {
      return state.inserted.map((i) => i.row);
    },
    insertedInto: (table) => state.inserted.filter((i) => i.table === table).map((i) => i.row),
    get engineFull() {
      return state.engineFull;
    },
    set engineFull(v: string) {
      state.engineFull = v;
    },
    get failWith() {
      return state.failWith;
    },
    set failWith(v: string | undefined) {
      state.failWith = v;
    },
    get beforeStatement() {
      return state.beforeStatement;
    },
    set beforeStatement(v: ((statement: string) => void) | undefined) {
      state.beforeStatement = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
