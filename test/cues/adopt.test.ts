/**
 * Alerts a previous run left open (read back from the store at start) are taken over, so they
 * update and resolve under their ids instead of staying open in the store for ever.
 */
import { describe, expect, it } from 'vitest';
import { createAlertDetector, createAlerting, createSpikeDetector, createWaitingDetector, loadCueRules } from '../../engine/cues/index.ts';
import type { NegativeShareAlert, SpikeAlert, WaitingTooLongAlert } from '../../engine/event/index.ts';
import { openAlerts, parseAlertDetails } from '../../engine/sinks/alertDetails.ts';
import { T0, turn } from './fixtures.ts';

const MIN = 60_000;
const rules = () => loadCueRules().alerts;
const waitingAlert = (over: Partial<WaitingTooLongAlert> = {}): WaitingTooLongAlert => ({
  alertId: `wait-c-1-${T0}`, kind: 'waiting_too_long', status: 'open', channel: 'chat', conversationId: 'c-1', customerId: 'cust-1', agentId: 'agent-7',
  eventId: 'm-1', waitingSinceMs: T0, waitedMinutes: 6, thresholdMinutes: 5, openedAtMs: T0 + 6 * MIN, tsMs: T0 + 6 * MIN, text: 'waiting', ...over,
});
const shareAlert = (over: Partial<NegativeShareAlert> = {}): NegativeShareAlert => ({
  alertId: `neg-chat-${T0}`, kind: 'negative_share', status: 'open', channel: 'chat', share: 0.5, baselineShare: 0.1, z: 5, n: 40, baselineN: 400,
  windowMinutes: 5, baselineMinutes: 60, openedAtMs: T0, tsMs: T0, text: 'share', ...over,
});
const spikeAlert = (alertId: string, over: Partial<SpikeAlert> = {}): SpikeAlert => ({
  alertId, kind: 'dlq_spike', status: 'open', value: 9, baseline: 1, unit: 'events/min', n: 45, windowMinutes: 5, baselineMinutes: 60, openedAtMs: T0, tsMs: T0, text: 'dlq', ...over,
});

describe('taking over alerts left open', () => {
  it('waiting: the agent\'s reply resolves the taken-over incident under its id; without one it updates, then gives up', () => {
    const d = createWaitingDetector(rules().waiting_too_long);
    expect(d.adopt([waitingAlert()])).toEqual([`wait-c-1-${T0}`]);
    expect(d.open()).toEqual([`wait-c-1-${T0}`]);
    expect(d.waiting).toBe(1);
    // A further customer message is the same wait, not a new incident.
    d.observe(turn('m-2', 0, { receivedAtMs: T0 + 7 * MIN, tsMs: T0 + 7 * MIN }));
    expect(d.evaluate(T0 + 8 * MIN)).toEqual([]);
    const [upd] = d.evaluate(T0 + 11 * MIN);
    expect(upd).toMatchObject({ status: 'update', alertId: `wait-c-1-${T0}`, eventId: 'm-1', agentId: 'agent-7', openedAtMs: T0 + 6 * MIN });
    d.observe(turn('a-1', 0, { author: 'agent', agentId: 'agent-7', receivedAtMs: T0 + 12 * MIN, tsMs: T0 + 12 * MIN }));
    const [res] = d.evaluate(T0 + 12.5 * MIN);
    expect(res).toMatchObject({ status: 'resolved', alertId: `wait-c-1-${T0}` });
    expect(d.open()).toEqual([]);

    const g = createWaitingDetector(rules().waiting_too_long);
    g.adopt([waitingAlert()]);
    const [gone] = g.evaluate(T0 + rules().waiting_too_long.giveUpMinutes * MIN);
    expect(gone).toMatchObject({ status: 'resolved', alertId: `wait-c-1-${T0}` });
    expect(gone?.text).toMatch(new RegExp(`no agent reply after ${rules().waiting_too_long.giveUpMinutes} min`));
  });

  it('waiting: skips unwatched channels and a conversation it already holds', () => {
    const d = createWaitingDetector(rules().waiting_too_long);
    expect(d.adopt([waitingAlert({ channel: 'call' }), waitingAlert(), waitingAlert({ alertId: 'wait-c-1-other' })])).toEqual([`wait-c-1-${T0}`]);
    expect(d.open()).toEqual([`wait-c-1-${T0}`]);
  });

  it('negative share: resolved under its id at the next evaluation when the volume is not there', () => {
    const d = createAlertDetector(rules());
    expect(d.adopt(shareAlert())).toBe(true);
    expect(d.adopt(shareAlert({ alertId: 'neg-chat-2' }))).toBe(false);
    expect(d.open()).toEqual([`neg-chat-${T0}`]);
    const [res] = d.evaluate(T0 + MIN);
    expect(res).toMatchObject({ kind: 'negative_share', status: 'resolved', alertId: `neg-chat-${T0}`, openedAtMs: T0 });
    expect(d.open()).toEqual([]);
  });

  it('spikes: only the detector\'s own kind and instance prefix; resolved when calm', () => {
    const mine = createSpikeDetector('dlq_spike', rules().dlq_spike, 'i2-');
    expect(mine.adopt(spikeAlert(`i1-dlq-${T0}`))).toBe(false);
    expect(mine.adopt(spikeAlert(`dlq-${T0}`))).toBe(false);
    expect(mine.adopt(spikeAlert(`i2-lat-${T0}`, { kind: 'latency_spike' }))).toBe(false);
    expect(mine.adopt(spikeAlert(`i2-dlq-${T0}`))).toBe(true);
    const [res] = mine.evaluate(T0 + MIN);
    expect(res).toMatchObject({ status: 'resolved', alertId: `i2-dlq-${T0}` });
  });

  it('Alerting: one instance takes everything of its own; a reporting instance no negative share; only one instance takes waiting alerts', () => {
    const all = [shareAlert(), waitingAlert(), spikeAlert(`dlq-${T0}`), spikeAlert(`i1-dlq-${T0}`)];
    expect(createAlerting(rules()).adopt(all).sort()).toEqual([`dlq-${T0}`, `neg-chat-${T0}`, `wait-c-1-${T0}`]);
    expect(createAlerting(rules(), { role: 'aggregate' }, 0).adopt(all)).toEqual([`neg-chat-${T0}`]);
    expect(createAlerting(rules(), { role: 'report', send: () => undefined }, 1).adopt(all)).toEqual([`i1-dlq-${T0}`]);
  });

  it('reads the newest state of each alert back, skipping damaged lines and resolved alerts', () => {
    const lines = [
      JSON.stringify({ id: 'x', ...shareAlert() }),
      JSON.stringify(shareAlert({ status: 'update', tsMs: T0 + MIN })),
      JSON.stringify(waitingAlert()),
      JSON.stringify(waitingAlert({ status: 'resolved', tsMs: T0 + 9 * MIN })),
      JSON.stringify(spikeAlert('dlq-1', { status: 'resolved' })),
      JSON.stringify(spikeAlert('dlq-1')),
      'not json',
      JSON.stringify({ alertId: 'no-kind', status: 'open', openedAtMs: 1, tsMs: 1 }),
    ];
    const open = openAlerts(parseAlertDetails(lines));
    expect(open.map((a) => [a.alertId, a.status])).toEqual([[`neg-chat-${T0}`, 'update']]);
    expect(open[0]).not.toHaveProperty('id');
  });
});
