import { parseTimestamp } from '../../engine/event/index.ts';
import {
  inputError,
  isObject,
  optId,
  optNumber,
  optObject,
  optString,
  reqId,
  type ConnectorEvent,
} from '../shared/index.ts';
import type { CallSpeaker } from './config.ts';

export interface CallTurn {
  speaker: CallSpeaker;
  text: string;
  startSec: number;
  endSec: number;
  /** The source's own speaker label (`spk_0`, `ch_1`), when it had one. */
  label?: string;
}

/** One call in either input format, before it becomes events. */
export interface CallRecord {
  callId: string;
  customerId: string;
  agentId?: string;
  startedAtMs: number;
  durationSec?: number;
  holdSec?: number;
  transfers?: number;
  lang?: string;
  format: 'cxpulse' | 'aws-transcribe';
  /** How labels became speakers: given in the input or config, or the first-speaker heuristic. */
  speakerMapping?: 'explicit' | 'first-speaker-is-agent';
  turns: CallTurn[];
}

export type CallMeta = Omit<CallRecord, 'format' | 'turns' | 'speakerMapping'> & { speakers?: Record<string, CallSpeaker> };

/**
 * The call's metadata, shared by both formats: `callId`, `customerId`, `startedAt` (ISO-8601 or
 * epoch ms) required; `agentId`, `durationSec`, `holdSec`, `transfers`, `lang`, `speakers` optional.
 * Hold time and transfers stay absent when the source does not say: 0 would be a claim.
 */
export function readCallMeta(o: Record<string, unknown>, defaults: { callId?: string } = {}): CallMeta {
  const callId = optId(o, 'callId') ?? defaults.callId;
  if (callId === undefined) throw inputError('CX_ERR_MISSING_FIELD', "missing required field 'callId'", 'callId');
  if (o.startedAt === undefined || o.startedAt === null) throw inputError('CX_ERR_MISSING_FIELD', "missing required field 'startedAt'", 'startedAt');
  const startedAtMs = parseTimestamp(o.startedAt);
  if (startedAtMs === undefined) {
    throw inputError('CX_ERR_INVALID_TIMESTAMP', `field 'startedAt' (${JSON.stringify(o.startedAt).slice(0, 40)}) is not ISO-8601 or epoch milliseconds`, 'startedAt');
  }
  const meta: CallMeta = { callId, customerId: reqId(o, 'customerId'), startedAtMs };
  const agentId = optId(o, 'agentId');
  if (agentId !== undefined) meta.agentId = agentId;
  const durationSec = optNumber(o, 'durationSec', 'durationSec', { min: 0 });
  if (durationSec !== undefined) meta.durationSec = durationSec;
  const holdSec = optNumber(o, 'holdSec', 'holdSec', { min: 0 });
  if (holdSec !== undefined) meta.holdSec = holdSec;
  const transfers = optNumber(o, 'transfers', 'transfers', { min: 0, integer: true });
  if (transfers !== undefined) meta.transfers = transfers;
  const lang = optString(o, 'lang');
  if (lang !== undefined) meta.lang = lang;
  const speakers = optObject(o, 'speakers');
  if (speakers) meta.speakers = readSpeakerMap(speakers);
  return meta;
}

function readSpeakerMap(o: Record<string, unknown>): Record<string, CallSpeaker> {
  const map: Record<string, CallSpeaker> = {};
  for (const [label, role] of Object.entries(o)) {
    if (role !== 'customer' && role !== 'agent') throw inputError('CX_ERR_INVALID_VALUE', `field 'speakers.${label}' must be 'customer' or 'agent'`, `speakers.${label}`);
    map[label] = role;
  }
  return map;
}

/** Query-string or sidecar values are strings: numbers and the speaker map are converted before reading. */
export function metaFromStrings(q: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (typeof v !== 'string') continue;
    if (['durationSec', 'holdSec', 'transfers'].includes(k)) out[k] = v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v);
    else if (k === 'startedAt' && /^\d{12,14}$/.test(v)) out[k] = Number(v);
    else if (k === 'speakers') out[k] = Object.fromEntries(v.split(',').filter(Boolean).map((p) => p.split(/[=:]/).map((s) => s.trim())));
    else out[k] = v;
  }
  return out;
}

/** Merges metadata objects; later ones win. */
export function mergeMeta(...parts: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  return Object.assign({}, ...parts.filter(isObject));
}

/**
 * Every turn becomes one event, customer and agent alike (agent turns feed response-time and
 * jargon cues): id `call:<callId>:<turnIndex>`, conversation `call:<callId>`, ts = call start +
 * turn start, and the call metadata in `meta` for the churn features.
 */
export function callEvents(call: CallRecord): ConnectorEvent[] {
  const durationSec = call.durationSec ?? Math.max(0, ...call.turns.map((t) => t.endSec));
  return call.turns.map((t, i) => {
    const meta: Record<string, unknown> = { source: call.format, durationSec, startSec: t.startSec, endSec: t.endSec, turnIndex: i };
    if (call.holdSec !== undefined) meta.holdSec = call.holdSec;
    if (call.transfers !== undefined) meta.transfers = call.transfers;
    if (t.label !== undefined) meta.speakerLabel = t.label;
    if (call.speakerMapping !== undefined) meta.speakerMapping = call.speakerMapping;
    const e: ConnectorEvent = {
      id: `call:${call.callId}:${i}`,
      channel: 'call',
      conversationId: `call:${call.callId}`,
      customerId: call.customerId,
      author: t.speaker,
      text: t.text,
      ts: call.startedAtMs + Math.round(t.startSec * 1000),
      meta,
    };
    if (call.agentId !== undefined) e.agentId = call.agentId;
    if (call.lang !== undefined) e.lang = call.lang;
    return e;
  });
}
