import { describe, expect, it } from 'vitest';
import { HEAD_ENTRIES } from '../../engine/event/types.ts';
import { toRow } from '../../engine/sinks/clickhouse/row.ts';
import { capabilitiesFor, columnsFor, parseServerVersion, planAddColumns } from '../../engine/sinks/clickhouse/schema.ts';
import { SCORED_EVENTS } from '../../engine/sinks/clickhouse/tables.ts';
import { scoredEvent } from './fixtures.ts';

const legacy = capabilitiesFor(parseServerVersion('18.16.1'));
const modern = capabilitiesFor(parseServerVersion('24.8.4.13'));

/**
 * scored_events exactly as existing databases, the Grafana dashboards and test/grafana have it.
 * The head columns are generated from engine/event/heads.ts; this list is written out by hand so
 * that a change to the table that would alter the DDL fails here.
 */
const SCORED_EVENTS_COLUMNS = (dict: string, time: string): [string, string][] => [
  ['event_id', 'String'], ['channel', dict], ['conversation_id', 'String'], ['customer_id', 'String'], ['author', dict],
  ['agent_id', 'String'], ['subject', 'String'], ['ts', time], ...(time.startsWith('DateTime64') ? [] : [['ts_ms', 'UInt16'] as [string, string]]),
  ['lang', dict], ['lang_confidence', 'Float32'], ['sentiment_label', dict], ['sentiment_score', 'Float32'],
  ['sentiment_confidence', 'Float32'], ['conversation_turns', 'UInt32'], ['sentiment_trend', 'Float32'], ['model_version', dict],
  ['text', 'String'], ['meta', 'String'],
  ['topic', dict], ['urgency', dict], ['formality', dict], ['emotion_labels', 'Array(String)'], ['polite_negative', 'UInt8'], ['implicit_complaint', dict],
  ['churn_probability', 'Nullable(Float32)'], ['churn_band', dict], ['latency_ms', 'Float32'], ['ts_off_clock', 'UInt8'], ['redelivered', 'UInt8'],
  ['received_at', time], ['inserted_at', "DateTime('UTC') DEFAULT now()"], ['version', 'UInt64'],
];

describe('scored_events columns from the heads table', () => {
  it('generates the same columns and types as the shipped schema on 18.16 and current releases', () => {
    const pairs = (caps: typeof legacy) => columnsFor(SCORED_EVENTS, caps).map((c) => [c.name, c.type]);
    expect(pairs(legacy)).toEqual(SCORED_EVENTS_COLUMNS('String', "DateTime('UTC')"));
    expect(pairs(modern)).toEqual(SCORED_EVENTS_COLUMNS('LowCardinality(String)', "DateTime64(3, 'UTC')"));
  });

  it('adds every head column to a table from before the heads, after meta, in table order', () => {
    const heads = HEAD_ENTRIES.map((h) => h.column);
    const old = columnsFor(SCORED_EVENTS, modern).map((c) => c.name).filter((n) => !heads.includes(n));
    const adds = planAddColumns('cxpulse', SCORED_EVENTS, modern, old);
    expect(adds.map((a) => a.column)).toEqual(heads);
    expect(adds[0]?.sql).toBe('ALTER TABLE cxpulse.scored_events ADD COLUMN topic LowCardinality(String) AFTER meta');
    expect(adds.at(-1)?.sql).toBe('ALTER TABLE cxpulse.scored_events ADD COLUMN emotion_labels Array(String) AFTER formality');
  });

  it('writes each head to its column, and empty values when the model has no heads', () => {
    const shape = { types: new Map(columnsFor(SCORED_EVENTS, modern).map((c) => [c.name, c.type])) };
    const scored = scoredEvent(1, {
      topic: { label: 'billing', confidence: 0.9 },
      urgency: { label: 'high', confidence: 0.8 },
      formality: { label: 'informal', confidence: 0.7 },
      emotion: { labels: ['frustration', 'anger'], probs: { anger: 0.6, frustration: 0.7, disappointment: 0, confusion: 0, joy: 0, enthusiasm: 0, gratitude: 0, neutral: 0 }, intensity: 'moderate', intensityScore: 0.7 },
    });
    expect(toRow(scored, shape, 1)).toMatchObject({ topic: 'billing', urgency: 'high', formality: 'informal', emotion_labels: ['frustration', 'anger'] });
    expect(toRow(scoredEvent(2), shape, 1)).toMatchObject({ topic: '', urgency: '', formality: '', emotion_labels: [] });
  });
});
