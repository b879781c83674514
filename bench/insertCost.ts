/**
 * What the rollups' materialized views add to each insert: the store's own write() of
 * `--batch` scored rows into a fresh database, with the three rollup views, then with the views
 * dropped, alternating `--rounds` times in one process; median milliseconds per insert.
 *
 *   npx tsx bench/insertCost.ts [--rounds 20] [--batch 500] [--url http://127.0.0.1:8123]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { takeEvents } from '../simulator/index.ts';
import { toScoredEvent } from '../engine/pipeline/index.ts';
import { createClickHouseStore, ROLLUPS } from '../engine/sinks/clickhouse/index.ts';
import type { ScoredEvent } from '../engine/event/index.ts';
import { quantile } from './stats.ts';

const median = (v: readonly number[]): number => quantile(v, 0.5);

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, batch: { type: 'string', default: '500' }, url: { type: 'string', default: process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123' } } });
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);

function rows(n: number, seed: number): ScoredEvent[] {
  return takeEvents(n * 2, { seed, startMs: Date.now() - 3_600_000 })
    .filter((e) => typeof e.text === 'string')
    .slice(0, n)
    .map((e) => {
      const tsMs = Date.parse(String(e.ts));
      const item = {
        event: { ...e, tsMs }, env: { receivedAtMs: tsMs + 5, deliveryCount: 1 }, text: e.text, language: { lang: 'en', confidence: 0.9 },
        sentiment: { label: 'negative', score: -0.4, confidence: 0.8 }, emotion: { label: 'anger', confidence: 0.5 }, urgency: { label: 'high', confidence: 0.6 },
        topic: { labels: ['billing'], confidence: 0.5 }, conversation: { turns: 3, trend: -0.1 }, modelVersion: 'm1', scoredAtMs: tsMs + 3,
      } as unknown as Parameters<typeof toScoredEvent>[0];
      return toScoredEvent(item);
    });
}

async function main(): Promise<void> {
  const dbs = { views: `cxpulse_bench_ins_v_${process.pid}`, none: `cxpulse_bench_ins_n_${process.pid}` };
  const stores = {
    views: await createClickHouseStore({ url: args.url!, database: dbs.views }),
    none: await createClickHouseStore({ url: args.url!, database: dbs.none }),
  };
  try {
    for (const s of Object.values(stores)) await s.init();
    for (const r of ROLLUPS) await stores.none.client.command({ query: `DROP TABLE IF EXISTS ${dbs.none}.${r.view}` });
    const times: Record<keyof typeof stores, number[]> = { views: [], none: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const k of (i % 2 === 0 ? ['views', 'none'] : ['none', 'views']) as (keyof typeof stores)[]) {
        const batch = rows(BATCH, 1000 + i);
        const t0 = performance.now();
        await stores[k].write(batch);
        times[k].push(performance.now() - t0);
      }
    }
    console.log(`ClickHouse ${stores.views.serverVersion}, ${ROUNDS} inserts of ${BATCH} rows each, load ${loadavg()[0]!.toFixed(1)}`);
    for (const k of ['views', 'none'] as const) console.log(`${k === 'views' ? 'with the 3 rollup views' : 'without views'}: median ${median(times[k]).toFixed(1)} ms per insert (min ${Math.min(...times[k]).toFixed(1)}, max ${Math.max(...times[k]).toFixed(1)})`);
  } finally {
    for (const [k, s] of Object.entries(stores)) {
      await s.client.command({ query: `DROP DATABASE IF EXISTS ${dbs[k as keyof typeof dbs]}` });
      await s.close();
    }
  }
}

await main();
