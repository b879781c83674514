import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { startTestEngine } from '../helpers/engine.ts';
import { connect, until } from '../feed/helpers.ts';

// The real engine and model (in-process bus, embedded store): an increasingly angry customer
// gets the agent a cue on /v1/feed. The sentences score -0.99 or below with the shipped model
// (`node bin/cxpulse.js score`), so the test does not hang on a borderline score.
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-cues-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, LOG_LEVEL: 'error', CXPULSE_AGENT_LANG: 'sv' });
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

const TEXTS = [
  'Hello, I have a question about my order.',
  'This is terrible, I am very angry with your awful service.',
  'Your service is horrible and I hate it, this is unacceptable.',
  'I am furious, this is the worst experience ever, absolutely disgusting.',
];

describe('cues in the running engine', () => {
  it('sends the agent a cue with its evidence after the score messages it is based on', async () => {
    const feed = await connect(`${engine.url.replace(/^http/, 'ws')}/v1/feed`);
    const t0 = Date.parse('2026-11-24T09:00:00Z');
    const ev = (i: number, author: 'customer' | 'agent', text: string) => ({
      id: `cue-${i}`, channel: 'chat', conversationId: 'conv-angry', customerId: 'cust-1', author, text, lang: 'en', ts: t0 + i * 30_000,
      ...(author === 'agent' ? { agentId: 'agent-3' } : {}),
    });
    const events = [ev(0, 'agent', 'Hi, how can I help you today?'), ...TEXTS.map((t, i) => ev(i + 1, 'customer', t))];
    for (const e of events) {
      const res = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(e) });
      expect(res.status).toBe(202);
    }
    const cues = () => feed.messages.flatMap((m) => (m.type === 'cue' ? [m] : []));
    await until(() => feed.scores().length === 5 && cues().some((c) => c.cue.kind === 'escalation_advised'), 30_000, () => `${feed.scores().length} scores, cues ${JSON.stringify(cues().map((c) => c.cue.kind))}`);
    const spike = cues().find((c) => c.cue.kind === 'negative_spike');
    expect(spike).toMatchObject({ conversationId: 'conv-angry', cue: { agentId: 'agent-3', priority: 'high', evidence: { eventIds: ['cue-2'] } } });
    const text = spike?.cue.text as { customer: string; agent: string };
    expect(text.customer).toMatch(/^Strongly negative message/);
    expect(text.agent).toMatch(/^Mycket negativt meddelande/);
    // Each cue comes after the score of the newest message in its evidence.
    for (const c of cues()) {
      const ids = (c.cue.evidence as { eventIds: string[] }).eventIds;
      const cueAt = feed.messages.indexOf(c);
      const scoreAt = feed.messages.findIndex((m) => m.type === 'score' && m.event.id === ids[ids.length - 1]);
      expect(scoreAt).toBeGreaterThanOrEqual(0);
      expect(scoreAt).toBeLessThan(cueAt);
    }
    feed.ws.close();
  });

  it('refuses to start with a rules file that does not validate, naming the field', async () => {
    const bad = join(dir, 'cues.json');
    await writeFile(bad, JSON.stringify({ rules: {}, alerts: {} }));
    await expect(startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_CUES_FILE: bad })).rejects.toThrow(/cues\.json: rules\.escalation_advised: missing/);
  });

  it('refuses to start with a replies file that does not validate, naming the entry', async () => {
    const bad = join(dir, 'replies.json');
    await writeFile(bad, JSON.stringify({ replies: { billing: { en: { formal: 'Dear customer' } } } }));
    await expect(startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_REPLIES_FILE: bad })).rejects.toThrow(/replies\.json: replies\.billing\.en\.informal: missing or empty/);
  });
});
