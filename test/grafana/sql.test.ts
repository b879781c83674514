/**
 * Every ClickHouse query of every provisioned dashboard, with the Grafana variables and the
 * plugin's macros filled in (macros.ts), runs against a real ClickHouse (CI: 18.16) holding the
 * engine's own schema and fixture rows, and returns rows. Also: each dashboard parses, has a
 * unique uid, and refers only to provisioned data sources.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { BusinessEvent, Channel, ScoredEvent } from '../../engine/event/types.ts';
import { BUSINESS_EVENT_TYPES, TOPIC_LABELS, URGENCY_LABELS } from '../../engine/event/types.ts';
import type { ActionRecommendation, Alert } from '../../engine/event/index.ts';
import { allRawSql, datasourceRefs, extractQueries, loadDashboards } from './dashboards.ts';
import type { ExtractedQuery } from './dashboards.ts';
import { expandMacros, expandSql, interpolateVariables, MODERN_ONLY_MACROS } from './macros.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_grafana_test_${Date.now()}_${process.pid}`;
const START = Date.UTC(2026, 10, 23, 8, 0, 0);
const HOUR = 3_600_000;
/** The dashboard time range: fixture rows lie inside it. */
const RANGE = { fromMs: START - HOUR, toMs: START + 26 * HOUR, intervalMs: 60_000 };

const dashboards = loadDashboards();
const queries: ExtractedQuery[] = dashboards.flatMap(extractQueries);
const provisioned = (parse(readFileSync(new URL('../../grafana/provisioning/datasources/cxpulse.yml', import.meta.url), 'utf8')) as {
  datasources: { uid: string; type: string }[];
}).datasources;

/** Six customers over 24 hours, on every channel and in three languages, with CRM events and alerts; topic and urgency on most customer messages (not all: older rows and models without those heads write ''), churn risk on five customers' messages. */
function fixture(): { scored: ScoredEvent[]; business: BusinessEvent[]; alerts: Alert[]; actions: ActionRecommendation[] } {
  const channels: Channel[] = ['chat', 'email', 'call'];
  const langs = ['en', 'sv', 'de'];
  const scored: ScoredEvent[] = [];
  const business: BusinessEvent[] = [];
  for (let i = 0; i < 240; i++) {
    const customer = `cust-${i % 6}`;
    const conversation = `conv-${i % 24}`;
    const score = ((i * 37) % 200) / 100 - 1;
    const label = score < -0.3 ? 'negative' : score > 0.3 ? 'positive' : 'neutral';
    const tsMs = START + i * 6 * 60_000;
    scored.push({
      id: `g-${i}`,
      channel: channels[i % 3] ?? 'chat',
      conversationId: conversation,
      customerId: customer,
      author: i % 4 === 3 ? 'agent' : 'customer',
      ...(i % 4 === 3 ? { agentId: 'agent-1' } : {}),
      tsMs,
      text: `message ${i} with an 'apostrophe'`,
      lang: langs[i % 3] ?? 'en',
      langConfidence: 0.9,
      sentiment: { label, score, confidence: 0.8 },
      conversation: { turns: 1 + (i % 5), recent: [score], trend: score / 2 },
      modelVersion: 'grafana-test',
      latencyMs: 2,
      receivedAtMs: tsMs + 10,
      // Churn risk on customer messages of five customers (cust-0 has none: a customer scored without the churn model).
      ...(i % 4 !== 3 && i % 6 !== 0 ? { churn: { probability: ((i * 13) % 100) / 100, band: ((i * 13) % 100) / 100 >= 0.6 ? 'high' : ((i * 13) % 100) / 100 >= 0.3 ? 'medium' : 'low', factors: [], modelVersion: 'grafana-test' } } : {}),
      ...(i % 5 !== 4 ? { topic: { label: TOPIC_LABELS[i % TOPIC_LABELS.length] ?? 'other', confidence: 0.8 }, urgency: { label: URGENCY_LABELS[Math.floor(i / 4) % URGENCY_LABELS.length] ?? 'normal', confidence: 0.7 } } : {}),
    });
  }
  for (let i = 0; i < 60; i++) {
    const tsMs = START + i * 24 * 60_000;
    business.push({ id: `b-${i}`, customerId: `cust-${i % 6}`, type: BUSINESS_EVENT_TYPES[i % BUSINESS_EVENT_TYPES.length] ?? 'order_placed', tsMs, meta: { n: i }, receivedAtMs: tsMs + 10 });
  }
  const alerts: Alert[] = [];
  for (let i = 0; i < 6; i++) {
    const openedAtMs = START + i * 3 * HOUR;
    const base = { alertId: `alert-${i}`, openedAtMs, text: `alert ${i} with an 'apostrophe'` };
    const states = (['open', 'update', 'resolved'] as const).slice(0, 1 + (i % 3));
    states.forEach((status, k) => {
      const tsMs = openedAtMs + k * 10 * 60_000;
      if (i % 3 === 0) alerts.push({ ...base, status, tsMs, kind: 'negative_share', channel: channels[i / 3] ?? 'chat', share: 0.5, baselineShare: 0.1, z: 4, n: 40, baselineN: 300, windowMinutes: 5, baselineMinutes: 60 });
      else if (i % 3 === 1) alerts.push({ ...base, status, tsMs, kind: 'waiting_too_long', channel: 'chat', conversationId: `conv-${i}`, customerId: `cust-${i}`, eventId: `g-${i}`, waitingSinceMs: openedAtMs - 6 * 60_000, waitedMinutes: 6 + k * 5, thresholdMinutes: 5 });
      else alerts.push({ ...base, status, tsMs, kind: 'latency_spike', value: 900, baseline: 120, unit: 'ms', n: 80, windowMinutes: 5, baselineMinutes: 60 });
    });
  }
  // Actions for every customer in two segments: offered and held out, every outcome, every way of choosing.
  const actions: ActionRecommendation[] = [];
  const kinds = ['personal_call', 'credit_or_price_review', 'escalate_supervisor'] as const;
  const outcomes = [undefined, 'done', 'declined', 'no_answer'] as const;
  for (let i = 0; i < 36; i++) {
    const action = kinds[i % 3] ?? 'personal_call';
    const critical = action === 'escalate_supervisor';
    const heldOut = !critical && i % 4 === 1;
    const outcome = heldOut ? undefined : outcomes[i % 4];
    const tsMs = START + i * 30 * 60_000;
    const base: ActionRecommendation = {
      actionId: `act-${i}`, action, customerId: `cust-${i % 6}`, segment: i % 2 === 0 ? 'smb' : 'enterprise', owner: `owner-${i % 2}`, status: heldOut ? 'held_out' : 'open', critical, heldOut,
      chosenBy: critical ? 'critical' : (['rule', 'bandit', 'explore'] as const)[i % 3] ?? 'rule', priority: (i % 10) / 10, churnProbability: 0.5, reason: `reason ${i} with an 'apostrophe'`, reasonLang: 'en',
      explanation: 'x', explanationLang: 'en', evidence: [], dueMs: tsMs + HOUR, timing: 'business_hours', tz: 'UTC', triggerId: `g-${i}`, tsMs, stateMs: tsMs,
    };
    actions.push(base);
    if (outcome) actions.push({ ...base, status: outcome, outcome, stateMs: tsMs + 10 * 60_000 });
  }
  return { scored, business, alerts, actions };
}

let store: ClickHouseStore;
/** Copies as the pipeline hands over JetStream redeliveries (delivery count above 1): the store looks them up. */
const redelivery = (evs: readonly ScoredEvent[]): ScoredEvent[] => evs.map((e) => Object.assign({ ...e }, { redelivered: true }));
const vars: Record<string, string[]> = {};

/** The dashboard's SQL for the test database: `cxpulse.` is the provisioned default database. */
function forTestDb(sql: string): string {
  return sql.replace(/\bcxpulse\.(\w+)/g, `${DB}.$1`);
}

async function run(sql: string): Promise<Record<string, unknown>[]> {
  const res = await store.client.query({ query: sql, format: 'JSONEachRow' });
  return res.json<Record<string, unknown>>();
}

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB });
  await store.init();
  const { scored, business, alerts, actions } = fixture();
  await store.write(scored);
  await store.write(redelivery(scored.slice(0, 40))); // a redelivery: the views and rollups count it once
  await store.writeBusinessEvents(business);
  await store.writeAlerts(alerts);
  await store.writeAlerts(alerts.slice(0, 3)); // an engine retry: alerts_latest still shows each alert once
  await store.writeActions(actions);
  // Variables first, as Grafana does: each takes the values its own query returns (All for a
  // multi-value variable, the first value otherwise), so panel queries see realistic values.
  for (const q of queries.filter((x) => x.kind === 'variable')) {
    const rows = await run(forTestDb(expandSql(q.sql, { ...RANGE, vars })));
    const values = rows.map((r) => String(Object.values(r)[0]));
    const def = dashboards.flatMap((d) => ((d.json.templating as { list: { name: string; multi?: boolean }[] }).list)).find((v) => v.name === q.variable);
    vars[q.variable as string] = def?.multi ? values : values.slice(0, 1);
  }
});

afterAll(async () => {
  await store?.client.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
  await store?.close();
});

describe('dashboards', () => {
  it('are valid JSON with unique uids and titles', () => {
    expect(dashboards.map((d) => d.file)).toEqual(expect.arrayContaining(['cxpulse-operations.json', 'cxpulse-cx-overview.json', 'cxpulse-customer.json', 'cxpulse-actions.json']));
    const uids = dashboards.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const d of dashboards) {
      expect(typeof d.json.uid, d.file).toBe('string');
      expect(typeof d.json.title, d.file).toBe('string');
      expect(Array.isArray(d.json.panels), d.file).toBe(true);
    }
  });

  it('refer only to provisioned data sources, with matching types', () => {
    const byUid = new Map(provisioned.map((p) => [p.uid, p.type]));
    for (const d of dashboards) {
      for (const ref of datasourceRefs(d.json)) {
        expect(byUid.has(String(ref.uid)), `${d.file}: ${JSON.stringify(ref)}`).toBe(true);
        if (ref.type !== undefined) expect(ref.type, `${d.file}: ${JSON.stringify(ref)}`).toBe(byUid.get(String(ref.uid)));
      }
    }
  });

  it('every rawSql in the files is one the extractor walks', () => {
    for (const d of dashboards) {
      const found = extractQueries(d).filter((q) => q.kind === 'panel').map((q) => q.sql).sort();
      expect(found, d.file).toEqual(allRawSql(d.json).sort());
    }
    expect(queries.filter((q) => q.file === 'cxpulse-cx-overview.json').length).toBeGreaterThanOrEqual(12);
    expect(queries.some((q) => q.file === 'cxpulse-customer.json' && q.variable === 'customer')).toBe(true);
  });

  it('use no macro that needs a newer ClickHouse than 18.16', () => {
    for (const q of queries) for (const m of MODERN_ONLY_MACROS) expect(q.sql, q.where).not.toMatch(new RegExp(`\\$__${m}\\b(?!_)`));
  });

  it('count exactly: CX panels read the *_latest views, the rollups or the raw table without redelivered copies (each event once), or count distinct conversations', () => {
    for (const q of queries.filter((x) => x.file !== 'cxpulse-operations.json' && x.kind === 'panel')) {
      expect(q.sql, q.where).toMatch(/_latest\b|\bscored_events_by_(minute|customer_day|conversation_day)\b|\nFROM cxpulse\.scored_events\nWHERE redelivered = 0 AND |^SELECT uniq\(conversation_id\) AS conversations\nFROM cxpulse\.scored_events\n/);
    }
  });
});

describe('every dashboard query runs on the real schema and returns rows', () => {
  it.each(queries.map((q) => [`${q.file} ${q.where}`, q] as const))('%s', async (_name, q) => {
    const sql = forTestDb(expandSql(q.sql, { ...RANGE, vars }));
    expect(sql).not.toMatch(/\$|\[\[/);
    const rows = await run(sql);
    expect(rows.length, sql).toBeGreaterThan(0);
  });

  it('the drill-down sees exactly one customer, each event once', async () => {
    const q = queries.find((x) => x.file === 'cxpulse-customer.json' && x.where.includes('"Customer messages"'));
    expect(q).toBeDefined();
    // The variable lists the most recently active customer first.
    expect(vars.customer).toEqual(['cust-5']);
    const [row] = await run(forTestDb(expandSql(q?.sql ?? '', { ...RANGE, vars })));
    // Written once more for the first 40 events (a redelivery), counted once.
    const want = fixture().scored.filter((e) => e.customerId === 'cust-5' && e.author === 'customer').length;
    expect(want).toBe(20);
    expect(Number(row?.messages)).toBe(want);
  });
});

describe('topic, urgency and alert panels', () => {
  const panel = (title: string) => {
    const q = queries.find((x) => x.file === 'cxpulse-cx-overview.json' && x.where.includes(`"${title}"`));
    expect(q, title).toBeDefined();
    return run(forTestDb(expandSql(q?.sql ?? '', { ...RANGE, vars })));
  };

  it('the alerts table lists each alert once, in its latest state, newest first', async () => {
    const rows = await panel('Alerts');
    const want = fixture().alerts;
    expect(rows.map((r) => r.incident).sort()).toEqual([...new Set(want.map((a) => a.alertId))].sort());
    for (const r of rows) expect(r.state, String(r.incident)).toBe(['open', 'update', 'resolved'][Number(String(r.incident).slice(6)) % 3]);
    expect(rows.map((r) => String(r.updated))).toEqual(rows.map((r) => String(r.updated)).sort().reverse());
  });

  it('top topics count each customer message with a topic once', async () => {
    const rows = await panel('Top topics');
    const want = fixture().scored.filter((e) => e.author === 'customer' && e.topic).length;
    expect(rows.reduce((a, r) => a + Number(r.messages), 0)).toBe(want);
    expect(rows.map((r) => r.label)).not.toContain('');
  });

  it('mean sentiment by topic averages the customer messages of each topic', async () => {
    const rows = await panel('Mean sentiment by topic');
    expect(new Set(rows.map((r) => r.topic_label))).toEqual(new Set(fixture().scored.filter((e) => e.author === 'customer' && e.topic).map((e) => e.topic?.label)));
    for (const r of rows) expect(Number(r.sentiment)).toBeGreaterThanOrEqual(-1);
  });

  it('churn risk distribution counts each customer once, in the bucket of their latest probability', async () => {
    const rows = await panel('Churn risk distribution');
    const latest = new Map<string, ScoredEvent>();
    for (const e of fixture().scored) if (e.author === 'customer' && e.churn && (latest.get(e.customerId)?.tsMs ?? -1) < e.tsMs) latest.set(e.customerId, e);
    expect(latest.size).toBe(5);
    const want = new Map<string, number>();
    for (const e of latest.values()) {
      const b = Math.min(9, Math.floor((e.churn?.probability ?? 0) * 10));
      want.set(`${b * 10}-${b * 10 + 10} %`, (want.get(`${b * 10}-${b * 10 + 10} %`) ?? 0) + 1);
    }
    expect(Object.fromEntries(rows.map((r) => [String(r.risk), Number(r.customers)]))).toEqual(Object.fromEntries(want));
  });

  it('urgency over time splits customer messages by level', async () => {
    const rows = await panel('Urgency over time');
    expect(new Set(rows.map((r) => r.level))).toEqual(new Set(['low', 'normal', 'high', 'critical']));
    const want = fixture().scored.filter((e) => e.author === 'customer' && e.urgency).length;
    expect(rows.reduce((a, r) => a + Number(r.messages), 0)).toBe(want);
  });
});

describe('macro expander', () => {
  const ctx = { fromMs: 1_700_000_000_123, toMs: 1_700_003_600_456, intervalMs: 30_000 };

  it('expands like the plugin', () => {
    expect(expandMacros('WHERE $__timeFilter(ts)', ctx)).toBe('WHERE ts >= toDateTime(1700000000) AND ts <= toDateTime(1700003600)');
    expect(expandMacros('$__fromTime..$__toTime', ctx)).toBe('toDateTime(1700000000)..toDateTime(1700003600)');
    expect(expandMacros('$__timeInterval(ts)', ctx)).toBe('toStartOfInterval(toDateTime(ts), INTERVAL 30 second)');
    expect(expandMacros('$__interval_s', { ...ctx, intervalMs: 200 })).toBe('1');
    expect(expandMacros('$__timeFilter_ms(ts)', ctx)).toBe('ts >= fromUnixTimestamp64Milli(1700000000123) AND ts <= fromUnixTimestamp64Milli(1700003600456)');
    expect(expandMacros('$__dateFilter(d)', ctx)).toBe("d >= toDate('2023-11-14') AND d <= toDate('2023-11-14')");
    expect(expandMacros('$__dt(d, toDateTime(ts, 1))', ctx)).toBe(
      "(d >= toDate('2023-11-14') AND d <= toDate('2023-11-14')) AND (toDateTime(ts, 1) >= toDateTime(1700000000) AND toDateTime(ts, 1) <= toDateTime(1700003600))",
    );
  });

  it('fails on an unknown macro, variable or format, and on bad arguments', () => {
    expect(() => expandMacros('WHERE $__unixEpochFilter(ts)', ctx)).toThrow(/unknown macro \$__unixEpochFilter/);
    expect(() => expandMacros('$__timeFilter(a, b)', ctx)).toThrow(/1 argument/);
    expect(() => expandMacros('$__timeFilter(ts', ctx)).toThrow(/unbalanced/);
    expect(() => interpolateVariables('x = $nope', {})).toThrow(/unknown template variable \$nope/);
    expect(() => interpolateVariables('x = ${a:json}', { a: ['1'] })).toThrow(/unknown variable format/);
    expect(() => interpolateVariables('${__user}', {})).toThrow(/unknown global variable/);
  });

  it('quotes variable values as Grafana does', () => {
    const v = { c: ["o'k", 'b'] };
    expect(interpolateVariables('${c:sqlstring}', v)).toBe("'o''k','b'");
    expect(interpolateVariables('${c:singlequote}', v)).toBe("'o\\'k','b'");
    expect(interpolateVariables('$c [[c]] ${c}', v)).toBe("o'k,b o'k,b o'k,b");
  });
});

describe('the action effectiveness dashboard', () => {
  const panel = (title: string) => {
    const q = queries.find((x) => x.file === 'cxpulse-actions.json' && x.where.includes(`"${title}"`));
    expect(q, title).toBeDefined();
    return run(forTestDb(expandSql(q?.sql ?? '', { ...RANGE, vars })));
  };

  it('shows uplift per non-critical action and segment with an interval around it, from offered and held-out customers', async () => {
    const rows = await panel('Uplift per action and segment');
    expect(rows.map((r) => `${r.action}/${r.segment}`).sort()).toEqual(['credit_or_price_review/enterprise', 'credit_or_price_review/smb', 'personal_call/enterprise', 'personal_call/smb']);
    for (const r of rows) {
      expect(Number(r.offered) + Number(r.held_out), JSON.stringify(r)).toBe(6);
      expect(Number(r.uplift_low)).toBeLessThanOrEqual(Number(r.uplift));
      expect(Number(r.uplift_high)).toBeGreaterThanOrEqual(Number(r.uplift));
      expect(Number(r.uplift)).toBeCloseTo(Number(r.churn_held_out) - Number(r.churn_offered), 3);
    }
  });

  it('counts each action once, in its latest state', async () => {
    const rows = await panel('Outcomes per action and segment');
    const total = rows.reduce((n, r) => n + Number(r.open) + Number(r.done) + Number(r.declined) + Number(r.no_answer) + Number(r.expired), 0);
    const { actions } = fixture();
    const latest = new Map(actions.map((a) => [a.actionId, a]));
    expect(total).toBe([...latest.values()].filter((a) => !a.heldOut).length);
  });
});
