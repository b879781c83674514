/**
 * Dashboards at scale: fills `scored_events` of a bench database with N rows (10 million by
 * default) inside ClickHouse (INSERT ... SELECT FROM numbers(), through the rollups' materialized
 * views like any insert), then times every ClickHouse query of every provisioned dashboard as it is
 * now (rollups where it aggregates over time), and, where the query replaced one over
 * `scored_events FINAL`, that raw query too; median of `--runs` runs each. Prints a table; the
 * database is dropped at the end.
 *
 *   npx tsx bench/rollups.ts [--rows 10000000] [--days 7] [--runs 3] [--raw-runs 1] [--url http://127.0.0.1:8123]
 *
 * `--raw-runs 0` skips the raw FINAL queries (each takes seconds at 10 million rows).
 *
 * The data: `--days` days ending now, evenly spread; 200,000 customers, 8 messages per
 * conversation, a quarter agent turns, 5 languages, 4 channels, every topic and urgency level (a
 * tenth without), churn probabilities on two thirds of the customer messages; the last 1% of the
 * rows are redelivered copies of earlier events (flagged as the store flags them). Every query
 * runs with its dashboard's default time range (now-24h, now-7d, ...) and over all the days (every
 * row: the worst case), with Grafana's interval for about 1,000 points (at least a minute).
 */
import { loadavg, cpus } from 'node:os';
import { createClient } from '@clickhouse/client';
import { parseArgs } from 'node:util';
import { createClickHouseStore, LONG_QUERY_SETTINGS, ROLLUPS } from '../engine/sinks/clickhouse/index.ts';
import { extractQueries, loadDashboards } from '../test/grafana/dashboards.ts';
import { expandSql } from '../test/grafana/macros.ts';
import { RAW } from '../test/grafana/rawQueries.ts';
import { TOPIC_LABELS, URGENCY_LABELS } from '../engine/event/index.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '7' },
    runs: { type: 'string', default: '3' },
    'raw-runs': { type: 'string', default: '1' },
    url: { type: 'string', default: process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123' },
    keep: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const DAYS = Number(args.days);
const RUNS = Number(args.runs);
const RAW_RUNS = Number(args['raw-runs']);
const DB = 'cxpulse_bench_rollups';
const say = (s: string): void => void process.stderr.write(`${s}\n`);

const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** Column -> expression over `k` (the event number) and `dup` (1 for a redelivered copy). */
function columnExpressions(endS: number): Record<string, string> {
  const spanS = DAYS * 86_400;
  const h = (salt: number): string => `cityHash64(k, ${salt})`;
  const score = `(toFloat32(${h(1)} % 2001) / 1000 - 1)`;
  const tsS = `toUInt32(${endS - spanS} + intDiv(k * ${spanS}, ${ROWS}))`;
  return {
    event_id: `concat('bench-', toString(k))`,
    // A conversation keeps its channel, a customer their language.
    channel: `${list(['chat', 'email', 'call', 'social'])}[cityHash64(intDiv(k, 8), 2) % 4 + 1]`,
    conversation_id: `concat('conv-', toString(intDiv(k, 8)))`,
    customer_id: `concat('cust-', toString(intDiv(k, 8) % 200000))`,
    author: `if(k % 4 = 3, 'agent', 'customer')`,
    agent_id: `if(k % 4 = 3, 'agent-1', '')`,
    ts: `toDateTime(${tsS})`,
    ts_ms: `toUInt16(k % 1000)`,
    lang: `${list(['en', 'sv', 'de', 'fi', 'es'])}[cityHash64(intDiv(k, 8) % 200000, 3) % 5 + 1]`,
    lang_confidence: 'toFloat32(0.9)',
    sentiment_label: `multiIf(${score} < -0.3, 'negative', ${score} > 0.3, 'positive', 'neutral')`,
    sentiment_score: score,
    sentiment_confidence: 'toFloat32(0.8)',
    conversation_turns: 'toUInt32(k % 8 + 1)',
    model_version: `'bench'`,
    text: `'bench message'`,
    topic: `if(${h(4)} % 10 = 0, '', ${list(TOPIC_LABELS)}[${h(4)} % ${TOPIC_LABELS.length} + 1])`,
    urgency: `if(${h(5)} % 10 = 0, '', ${list(URGENCY_LABELS)}[${h(5)} % ${URGENCY_LABELS.length} + 1])`,
    churn_probability: `if(k % 4 != 3 AND ${h(6)} % 3 != 0, toFloat32(${h(6)} % 100 / 100), NULL)`,
    latency_ms: 'toFloat32(2)',
    received_at: `toDateTime(${tsS})`,
    version: `toUInt64(${Date.now()}) + dup`,
    redelivered: 'toUInt8(dup)',
  };
}

async function main(): Promise<void> {
  const store = await createClickHouseStore({ url: args.url, database: DB });
  // The store's client gives up after 30 s; filling and the raw FINAL queries take longer here.
  const client = createClient({ url: args.url, request_timeout: 1_800_000, clickhouse_settings: { ...LONG_QUERY_SETTINGS } });
  const q = async (sql: string): Promise<Record<string, unknown>[]> => (await client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, unknown>>();
  await client.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
  try {
    await store.init();
    const endS = Math.floor(Date.now() / 1000 / 60) * 60;
    const startS = endS - DAYS * 86_400;
    const types = new Map((await q(`SELECT name, type FROM system.columns WHERE database = '${DB}' AND table = 'scored_events'`)).map((r) => [String(r.name), String(r.type)]));
    const exprs = columnExpressions(endS);
    const cols = Object.keys(exprs).filter((c) => types.has(c));
    const dupFrom = Math.floor(ROWS * 0.99);
    const chunk = 500_000;
    say(`ClickHouse ${store.serverVersion}; filling ${ROWS.toLocaleString('en')} rows over ${DAYS} days (load ${loadavg().map((x) => x.toFixed(2)).join(' ')}, ${cpus().length} cores)`);
    const fillStart = performance.now();
    for (let from = 0; from < ROWS; from += chunk) {
      const n = Math.min(chunk, ROWS - from);
      // DateTime64 columns take the DateTime expression as it is (current releases); 18.16 has DateTime + ts_ms.
      const select = cols.map((c) => `${exprs[c]} AS ${c}`).join(',\n  ');
      await client.command({
        query: `INSERT INTO ${DB}.scored_events (${cols.join(', ')})
SELECT
  ${select}
FROM (SELECT if(number >= ${dupFrom}, toUInt64(number - ${dupFrom}), number) AS k, toUInt8(number >= ${dupFrom}) AS dup FROM numbers(${from}, ${n}))`,
      });
      say(`  ${(from + n).toLocaleString('en')} rows, ${((performance.now() - fillStart) / 1000).toFixed(0)} s`);
    }
    const fillS = (performance.now() - fillStart) / 1000;
    // Merged as the background merges would leave them after a while.
    for (const r of ROLLUPS) await client.command({ query: `OPTIMIZE TABLE ${DB}.${r.name} FINAL` }).catch(() => undefined);
    const count = async (t: string) => Number((await q(`SELECT count() AS n FROM ${DB}.${t}`))[0]?.n);
    const sizes = { raw: await count('scored_events'), minute: await count('scored_events_by_minute'), customerDay: await count('scored_events_by_customer_day'), conversationDay: await count('scored_events_by_conversation_day') };
    const events = Number((await q(`SELECT sum(messages) AS n FROM ${DB}.scored_events_by_minute`))[0]?.n);
    say(`filled in ${fillS.toFixed(0)} s: ${sizes.raw.toLocaleString('en')} raw rows (${events.toLocaleString('en')} events), ${sizes.minute.toLocaleString('en')} minute-rollup rows, ${sizes.customerDay.toLocaleString('en')} customer-day rows, ${sizes.conversationDay.toLocaleString('en')} conversation-day rows`);

    const vars: Record<string, string[]> = {
      channel: ['chat', 'email', 'call', 'social'],
      lang: ['en', 'sv', 'de', 'fi', 'es'],
      customer: ['cust-4242'],
      segment: ['smb', 'enterprise'],
    };
    /** Grafana's interval for a range: about 1,000 points, at least a minute (the panels' minimum), in whole minutes. */
    const rangeOf = (fromS: number) => ({ fromMs: fromS * 1000, toMs: endS * 1000, intervalMs: Math.max(60, Math.round((endS - fromS) / 1000 / 60) * 60) * 1000 });
    const forDb = (sql: string, fromS: number): string => expandSql(sql, { ...rangeOf(fromS), vars }).replace(/\bcxpulse\.(\w+)/g, `${DB}.$1`);
    const time = async (sql: string, runs: number): Promise<number> => {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await q(sql);
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      return ms[Math.floor(ms.length / 2)] as number;
    };
    const parseRange = (from: unknown): number => {
      const m = /^now-(\d+)([hd])$/.exec(String(from));
      if (!m) return startS;
      return Math.max(startS, endS - Number(m[1]) * (m[2] === 'h' ? 3600 : 86_400));
    };

    const rows: { query: string; range: string; now: number; raw: number | null; nowAll: number; rawAll: number | null; reads: string }[] = [];
    for (const d of loadDashboards()) {
      const def = (d.json.time as { from?: string } | undefined)?.from ?? '';
      const fromS = parseRange(def);
      for (const x of extractQueries(d)) {
        const key = `${x.file} ${x.where.replace(/ target \w+$/, '')}`;
        const sql = forDb(x.sql, fromS);
        const reads = /scored_events_by_minute/.test(sql) ? 'minute rollup' : /scored_events_by_customer_day/.test(sql) ? 'customer-day rollup' : /scored_events_by_conversation_day/.test(sql) ? 'conversation-day rollup' : /scored_events/.test(sql) ? 'raw' : 'other tables';
        const rawSql = RAW[key];
        const now = await time(sql, RUNS);
        const raw = rawSql === undefined || RAW_RUNS === 0 ? null : await time(forDb(rawSql, fromS), RAW_RUNS);
        const nowAll = await time(forDb(x.sql, startS), RUNS);
        const rawAll = rawSql === undefined || RAW_RUNS === 0 ? null : await time(forDb(rawSql, startS), RAW_RUNS);
        rows.push({ query: key.replace(/^cxpulse-/, '').replace(/\.json/, ''), range: def, now, raw, nowAll, rawAll, reads });
        say(`  ${key} (${def}): ${now.toFixed(0)} ms, raw ${raw?.toFixed(0) ?? '-'} ms; whole range ${nowAll.toFixed(0)} ms, raw ${rawAll?.toFixed(0) ?? '-'} ms`);
      }
    }
    const ms = (x: number): string => x.toFixed(0);
    const opt = (x: number | null): string => (x === null ? '-' : ms(x));
    const out = [
      `ClickHouse ${store.serverVersion}, ${sizes.raw.toLocaleString('en')} rows in scored_events (${events.toLocaleString('en')} events) over ${DAYS} days; rollups: ${sizes.minute.toLocaleString('en')} minute rows, ${sizes.customerDay.toLocaleString('en')} customer-day rows, ${sizes.conversationDay.toLocaleString('en')} conversation-day rows; fill ${fillS.toFixed(0)} s; median of ${RUNS} runs (raw FINAL: ${RAW_RUNS}); ms per query with the dashboard's default time range, and over all ${DAYS} days.`,
      '',
      '| query | reads | default range | ms | raw FINAL ms | all days ms | raw FINAL ms |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.query} | ${r.reads} | ${r.range} | ${ms(r.now)} | ${opt(r.raw)} | ${ms(r.nowAll)} | ${opt(r.rawAll)} |`),
      '',
      `slowest query: ${ms(Math.max(...rows.map((r) => r.now)))} ms with the default ranges, ${ms(Math.max(...rows.map((r) => r.nowAll)))} ms over all days; load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    if (!args.keep) await client.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
    await client.close();
    await store.close();
  }
}

main().catch((err: unknown) => {
  say(String(err instanceof Error ? err.stack : err));
  process.exitCode = 1;
});
