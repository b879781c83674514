import { Gauge } from 'prom-client';
import { scaleOf, type Config } from '../config/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import type { FeedHub } from '../feed/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { alertHooks } from '../pipeline/index.ts';
import {
  ALERTS_SUBJECT,
  createAlertPublisher,
  createAlerting,
  createCueEngine,
  decodeShareCounts,
  encodeShareCounts,
  SHARE_COUNTS_SUBJECT,
  loadCueRules,
  loadReplyTemplates,
  type AlertPublisher,
  type Alerting,
  type CueConfig,
  type CueEngine,
  type ReplyTemplates,
  type ShareMode,
} from '../cues/index.ts';

export interface AdviceRules {
  rules: CueConfig;
  replies: ReplyTemplates;
}

export interface EngineAdvice {
  cues: CueEngine;
  alerting: Alerting;
  alerts: AlertPublisher;
}

export const SHARE_COUNTED_METRIC = 'cxpulse_alert_share_counted';

/** Cue rules and reply templates; loaded first, so a bad file stops the start before anything connects. */
export function loadAdviceRules(cfg: Config): AdviceRules {
  return { rules: loadCueRules(cfg.CXPULSE_CUES_FILE), replies: loadReplyTemplates(cfg.CXPULSE_REPLIES_FILE) };
}

interface Outlets {
  bus: Pick<EventBus, 'publish' | 'subscribe'>;
  store: Pick<ScoreStore, 'writeAlerts'>;
  feed: Pick<FeedHub, 'broadcastAlert'>;
  metrics: Metrics;
  log: Logger;
}

/** The cue engine and the alerts; alert states go to the feed, NATS cx.alerts and the store. */
export function createEngineAdvice(cfg: Config, { rules, replies }: AdviceRules, o: Outlets): EngineAdvice {
  const encoder = new TextEncoder();
  const scale = scaleOf(cfg);
  // Scale-out: the negative-share alert is over every instance's events; the owner of partition 0 decides it.
  const share: ShareMode =
    scale.instances === 1 ? { role: 'local' } : scale.instance === 0 ? { role: 'aggregate' } : { role: 'report', send: (counts) => void o.bus.publish(SHARE_COUNTS_SUBJECT, encodeShareCounts(scale.instance, counts)).catch(() => undefined) };
  const alerting = createAlerting(rules.alerts, share, scale.instances === 1 ? undefined : scale.instance);
  if (share.role === 'aggregate') {
    if (!o.bus.subscribe) throw new Error('CXPULSE_INSTANCES > 1 needs NATS (NATS_URL): the in-process bus cannot reach the other instances');
    o.bus.subscribe(SHARE_COUNTS_SUBJECT, (data) => {
      const m = decodeShareCounts(data);
      if (m) alerting.addShareCounts(m.counts);
      else o.log.warn({ subject: SHARE_COUNTS_SUBJECT }, 'ignored a malformed negative-share count message');
    });
  }
  const counted = o.metrics.registry.getSingleMetric(SHARE_COUNTED_METRIC);
  if (!counted) {
    new Gauge({
      name: SHARE_COUNTED_METRIC,
      help: 'Customer messages counted by the negative-share alert: on the instance that decides it (one instance, or the owner of partition 0), every instance\'s; on the others, their own, sent to it',
      registers: [o.metrics.registry],
      collect() {
        this.set(alerting.shareCounted);
      },
    });
  }
  const alerts = createAlertPublisher(alerting, {
    broadcastAlert: (a) => o.feed.broadcastAlert(a),
    publishAlert: (a) => o.bus.publish(ALERTS_SUBJECT, encoder.encode(JSON.stringify(a))),
    writeAlerts: (list) => o.store.writeAlerts(list),
    ...alertHooks({ metrics: o.metrics, log: o.log, alerting }),
  });
  return { cues: createCueEngine(rules, { agentLang: cfg.CXPULSE_AGENT_LANG, replies }), alerting, alerts };
}

/**
 * Reads the negative-share alert's counts of its window and baseline back from the store (where
 * the store can, and where this instance decides the alert), before the pipeline takes events, so
 * the alert is not blind for an hour after a restart. A failure is logged; the alert then starts
 * empty, as before.
 */
export async function restoreShareCounts(
  cfg: Config, rules: CueConfig, store: Pick<ScoreStore, 'readShareCounts'>, alerting: Pick<Alerting, 'restoreShareCounts'>, nowMs: number, log: Logger,
): Promise<void> {
  const a = rules.alerts;
  const scale = scaleOf(cfg);
  if (!store.readShareCounts || !a.enabled || (scale.instances > 1 && scale.instance !== 0)) return;
  const minutes = a.windowMinutes + a.baselineMinutes;
  try {
    const counts = await store.readShareCounts((Math.floor(nowMs / 60_000) - minutes + 1) * 60_000);
    const n = alerting.restoreShareCounts(counts);
    log.info({ messages: n, minutes }, `negative-share alert: ${n} customer messages of the last ${minutes} minutes read back from the store`);
  } catch (err) {
    log.warn({ err }, 'negative-share alert: could not read the last hour\'s counts from the store; the alert starts empty and needs its window and baseline again');
  }
}

/**
 * Takes over the alerts a previous run left open (Alerting.adopt), before the pipeline takes
 * events, and hands them to the feed so a page that connects now sees them; the next evaluation
 * updates or resolves them under their ids. A failure is logged; those alerts then stay open in
 * the store, as before.
 */
export async function adoptOpenAlerts(
  store: Pick<ScoreStore, 'readOpenAlerts'>, alerting: Pick<Alerting, 'adopt'>, feed: Pick<FeedHub, 'broadcastAlert'>, log: Logger,
): Promise<void> {
  if (!store.readOpenAlerts) return;
  try {
    const open = await store.readOpenAlerts();
    if (open.length === 0) return;
    const taken = new Set(alerting.adopt(open));
    for (const a of open) if (taken.has(a.alertId)) feed.broadcastAlert(a);
    log.info({ open: open.length, taken: taken.size }, `alerts: took over ${taken.size} of the ${open.length} alerts left open in the store (the others belong to other instances, or are waiting alerts, which only a single instance takes over)`);
  } catch (err) {
    log.warn({ err }, 'alerts: could not read the alerts left open in the store; they stay open there until resolved by hand');
  }
}
