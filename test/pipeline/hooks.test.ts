import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMetrics } from '../../engine/observability/index.ts';
import { pipelineHooks } from '../../engine/pipeline/hooks.ts';
import type { Envelope } from '../../engine/bus/types.ts';
import { eventError } from '../../engine/event/errors.ts';

const value = async (metrics: ReturnType<typeof createMetrics>, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);
const env = (deliveryCount: number) => ({ subject: 'cx.events.chat', deliveryCount }) as Envelope;

describe('pipeline hooks', () => {
  it('count every message received, and separately the ones delivered again', async () => {
    const metrics = createMetrics();
    const hooks = pipelineHooks({ metrics, log: pino({ level: 'silent' }), alerting: { deadLettered: () => undefined, latency: () => undefined } });
    for (const n of [1, 1, 2, 3]) hooks.onReceived!(env(n));
    expect(await value(metrics, 'cxpulse_events_in_total')).toBe(4);
    expect(await value(metrics, 'cxpulse_events_redelivered_total')).toBe(2);
  });

  it('count a dead letter once, whatever refused it, and tell the DLQ-spike alert', async () => {
    const metrics = createMetrics();
    const spikes: number[] = [];
    const hooks = pipelineHooks({ metrics, log: pino({ level: 'silent' }), alerting: { deadLettered: (t) => spikes.push(t), latency: () => undefined } });
    for (const code of ['CX_ERR_INVALID_JSON', 'CX_ERR_SCORING_FAILED'] as const) {
      hooks.onDeadLettered!({ error: eventError(code, 'x'), subject: 'cx.events.chat', payload: '', receivedAtMs: 0, deliveryCount: 1 });
    }
    const failed = await metrics.eventsFailed.get();
    expect(failed.values.map((v) => [v.labels.error_type, v.value])).toEqual([['CX_ERR_INVALID_JSON', 1], ['CX_ERR_SCORING_FAILED', 1]]);
    expect(spikes).toHaveLength(2);
  });

  it('log a dead letter without the message text its error quotes (a JSON parse error quotes its input)', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const hooks = pipelineHooks({ metrics: createMetrics(), log, alerting: { deadLettered: () => undefined, latency: () => undefined } });
    let parseError = '';
    try {
      JSON.parse('{"text": ring Anna på 070-123 45 67}');
    } catch (e) {
      parseError = (e as Error).message;
    }
    expect(parseError).toContain('Anna'); // what Node 20 puts in the message
    hooks.onDeadLettered!({ error: eventError('CX_ERR_INVALID_JSON', `message is not valid JSON: ${parseError}`), subject: 'cx.events.chat', payload: '', receivedAtMs: 0, deliveryCount: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ code: 'CX_ERR_INVALID_JSON', msg: 'dead-lettered: the body or message is not valid JSON' });
    expect(lines[0]).not.toContain('Anna');
  });
});
