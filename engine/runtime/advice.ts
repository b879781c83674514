import type { Config } from '../config/index.ts';
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
  loadCueRules,
  loadReplyTemplates,
  type AlertPublisher,
  type Alerting,
  type CueConfig,
  type CueEngine,
  type ReplyTemplates,
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

/** Cue rules and reply templates; loaded first, so a bad file stops the start before anything connects. */
export function loadAdviceRules(cfg: Config): AdviceRules {
  return { rules: loadCueRules(cfg.CXPULSE_CUES_FILE), replies: loadReplyTemplates(cfg.CXPULSE_REPLIES_FILE) };
}

interface Outlets {
  bus: Pick<EventBus, 'publish'>;
  store: Pick<ScoreStore, 'writeAlerts'>;
  feed: Pick<FeedHub, 'broadcastAlert'>;
  metrics: Metrics;
  log: Logger;
}

/** The cue engine and the alerts; alert states go to the feed, NATS cx.alerts and the store. */
export function createEngineAdvice(cfg: Config, { rules, replies }: AdviceRules, o: Outlets): EngineAdvice {
  const encoder = new TextEncoder();
  const alerting = createAlerting(rules.alerts);
  const alerts = createAlertPublisher(alerting, {
    broadcastAlert: (a) => o.feed.broadcastAlert(a),
    publishAlert: (a) => o.bus.publish(ALERTS_SUBJECT, encoder.encode(JSON.stringify(a))),
    writeAlerts: (list) => o.store.writeAlerts(list),
    ...alertHooks({ metrics: o.metrics, log: o.log, alerting }),
  });
  return { cues: createCueEngine(rules, { agentLang: cfg.CXPULSE_AGENT_LANG, replies }), alerting, alerts };
}
