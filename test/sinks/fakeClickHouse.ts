/**
 * A stand-in ClickHouse HTTP endpoint that claims a given version. It lets the tests drive
 * the current-release code path (no 24.x server can run here) and simulate failures.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capabilitiesFor, columnsFor, parseServerVersion } from '../../engine/sinks/clickhouse/schema.ts';

export interface FakeClickHouse {
  url: string;
  /** Every statement received, in order (INSERT data excluded). */
  statements: string[];
  /** Rows received by INSERTs, parsed. */
  inserted: Record<string, unknown>[];
  /** What system.tables reports as engine_full. */
  engineFull: string;
  /** When set, every request except `SELECT version()` fails with this ClickHouse error. */
  failWith: string | undefined;
  close(): Promise<void>;
}

export async function startFakeClickHouse(version: string): Promise<FakeClickHouse> {
  const caps = capabilitiesFor(parseServerVersion(version));
  const columns = columnsFor(caps).map((c) => ({ name: c.name, type: c.type.replace(/ DEFAULT .*/, '') }));
  const state = { statements: [] as string[], inserted: [] as Record<string, unknown>[], engineFull: '', failWith: undefined as string | undefined };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const urlQuery = url.searchParams.get('query');
      // Inserts put the statement in the URL and the rows in the body; the rest use the body.
      const statement = urlQuery ?? body;
      const reply = (status: number, text: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
        res.end(text);
      };
      if (/version\(\)/.test(statement)) return reply(200, `${JSON.stringify({ v: version })}\n`);
      if (state.failWith !== undefined) {
        return reply(500, `Code: 999, e.displayText() = DB::Exception: ${state.failWith}`, { 'X-ClickHouse-Exception-Code': '999' });
      }
      state.statements.push(statement);
      if (/^INSERT/i.test(statement)) {
        for (const line of body.split('\n')) if (line.trim()) state.inserted.push(JSON.parse(line) as Record<string, unknown>);
        return reply(200, '');
      }
      if (statement.includes('system.columns')) return reply(200, columns.map((c) => JSON.stringify(c)).join('\n') + '\n');
      if (statement.includes('system.tables')) return reply(200, `${JSON.stringify({ engine_full: state.engineFull })}\n`);
      if (/^SELECT 'ping'/.test(statement)) return reply(200, 'ping\n');
      return reply(200, '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeClickHouse = {
    url: `http://127.0.0.1:${port}`,
    get statements() {
      return state.statements;
    },
    get inserted() {
      return state.inserted;
    },
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
