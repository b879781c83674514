export { createCueEngine, frustrationRising, negativeSpike, escalationAdvised, type CueEngine, type CueEngineOptions, type Finding, type Turn } from './detect.ts';
export { clarityStats, jargonFinding, type ClarityStats } from './clarity.ts';
export { createAlertDetector, type AlertDetector, type ShareCount } from './alerts.ts';
export { createAlerting, type Alerting, type ShareMode } from './alerting.ts';
export { SHARE_COUNTS_SUBJECT, decodeShareCounts, encodeShareCounts } from './shareCounts.ts';
export { createWaitingDetector, type WaitingDetector } from './waiting.ts';
export { createSpikeDetector, histQuantile, type SpikeDetector } from './spikes.ts';
export { churnRisk, politeIrritation, suggestedReply, urgencyHigh, MAX_QUOTE_CHARS, type SignalFinding } from './signals.ts';
export { DEFAULT_REPLIES_FILE, ReplyTemplatesError, loadReplyTemplates, parseReplyTemplates, type ReplyTemplates } from './replies.ts';
export type { WaitingAndSpikeRules, SpikeRules, WaitingRules } from './alertRules.ts';
export { ALERT_KINDS, type Alert, type AlertKind, type AlertStatus, type Cue, type NegativeShareAlert, type SpikeAlert, type SuggestedReply, type WaitingTooLongAlert } from '../event/index.ts';
export {
  AGENT_CUE_KINDS,
  CUE_KINDS,
  CUE_LANGS,
  CUE_PRIORITIES,
  CueRulesError,
  DEFAULT_CUES_FILE,
  OPTIONAL_CUE_KINDS,
  cueLang,
  loadCueRules,
  parseCueRules,
  renderTemplate,
  type CueConfig,
  type CueKind,
  type CueLang,
  type CuePriority,
  type CueRules,
  type AlertRules,
} from './rules.ts';
export { ALERTS_SUBJECT, createAlertPublisher, type AlertOutlets, type AlertPublisher } from './publish.ts';
