export { createCueEngine, frustrationRising, negativeSpike, escalationAdvised, slope, type Cue, type CueEngine, type Finding, type Turn } from './detect.ts';
export { clarityStats, jargonFinding, type ClarityStats } from './clarity.ts';
export { createAlertDetector, type Alert, type AlertDetector } from './alerts.ts';
export { AGENT_CUE_KINDS, CUE_KINDS, CUE_LANGS, CueRulesError, DEFAULT_CUES_FILE, cueLang, loadCueRules, parseCueRules, renderTemplate, type CueConfig, type CueKind, type CueLang, type CueRules, type AlertRules } from './rules.ts';

/** NATS subject of supervisor alerts (open / update / resolved). */
export const ALERTS_SUBJECT = 'cx.alerts';
