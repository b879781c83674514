import { inputError, isObject, reqObject } from '../shared/index.ts';
import type { CallSpeaker } from './config.ts';
import { readCallMeta, type CallRecord, type CallTurn } from './record.ts';

/** A word or punctuation mark from `results.items`. */
interface Item {
  index: number;
  type: 'pronunciation' | 'punctuation';
  content: string;
  start?: number;
  end?: number;
  label?: string;
}

export function isTranscribeOutput(o: Record<string, unknown>): boolean {
  return isObject(o.results) && (Array.isArray(o.results.items) || Array.isArray(o.results.transcripts));
}

const seconds = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};
const timeKey = (start: unknown, end: unknown) => `${seconds(start)}-${seconds(end)}`;

/**
 * Speaker of each timed word, from whichever the job produced: `speaker_label` on the item
 * (current output), `results.speaker_labels.segments[].items[]` (diarization, older output) or
 * `results.channel_labels.channels[].items[]` (channel identification: the label is `ch_0`/`ch_1`).
 */
function labelLookup(results: Record<string, unknown>): Map<string, string> | undefined {
  const map = new Map<string, string>();
  let found = false;
  const sl = results.speaker_labels;
  if (isObject(sl) && Array.isArray(sl.segments)) {
    found = true;
    for (const seg of sl.segments) {
      if (!isObject(seg) || !Array.isArray(seg.items)) continue;
      for (const it of seg.items) {
        const label = isObject(it) && typeof it.speaker_label === 'string' ? it.speaker_label : typeof seg.speaker_label === 'string' ? seg.speaker_label : undefined;
        if (isObject(it) && label) map.set(timeKey(it.start_time, it.end_time), label);
      }
    }
  }
  const cl = results.channel_labels;
  if (isObject(cl) && Array.isArray(cl.channels)) {
    found = true;
    for (const ch of cl.channels) {
      if (!isObject(ch) || typeof ch.channel_label !== 'string' || !Array.isArray(ch.items)) continue;
      for (const it of ch.items) if (isObject(it) && !map.has(timeKey(it.start_time, it.end_time))) map.set(timeKey(it.start_time, it.end_time), ch.channel_label);
    }
  }
  return found ? map : undefined;
}

function readItems(results: Record<string, unknown>): Item[] {
  if (!Array.isArray(results.items)) throw inputError('CX_ERR_MISSING_FIELD', "missing 'results.items': not an Amazon Transcribe output with words", 'results.items');
  return results.items.map((raw, index): Item => {
    const at = `results.items[${index}]`;
    if (!isObject(raw)) throw inputError('CX_ERR_NOT_AN_OBJECT', `${at} must be an object`, at);
    const alt = Array.isArray(raw.alternatives) ? raw.alternatives[0] : undefined;
    const content = isObject(alt) && typeof alt.content === 'string' ? alt.content : undefined;
    if (content === undefined) throw inputError('CX_ERR_MISSING_FIELD', `${at} has no alternatives[0].content`, `${at}.alternatives`);
    const type = raw.type === 'punctuation' ? 'punctuation' : 'pronunciation';
    const item: Item = { index, type, content };
    if (type === 'pronunciation') {
      item.start = seconds(raw.start_time);
      item.end = seconds(raw.end_time);
      if (item.start === undefined || item.end === undefined) throw inputError('CX_ERR_INVALID_VALUE', `${at} ('${content}') has no valid start_time/end_time`, at);
    }
    if (typeof raw.speaker_label === 'string') item.label = raw.speaker_label;
    return item;
  });
}

/** Consecutive words of one label form one turn; punctuation joins the word before it. */
function groupTurns(items: Item[], lookup: Map<string, string> | undefined): { label: string; text: string; startSec: number; endSec: number }[] {
  const turns: { label: string; text: string; startSec: number; endSec: number }[] = [];
  let current: (typeof turns)[number] | undefined;
  for (const it of items) {
    if (it.type === 'punctuation') {
      if (current) current.text += it.content;
      continue;
    }
    const label = it.label ?? lookup?.get(timeKey(it.start, it.end));
    if (label === undefined) {
      throw inputError('CX_ERR_MISSING_SPEAKER', `word '${it.content}' at ${it.start} s (results.items[${it.index}]) has no speaker label`, `results.items[${it.index}]`);
    }
    if (current && current.label === label) {
      current.text += ` ${it.content}`;
      current.endSec = it.end!;
    } else {
      current = { label, text: it.content, startSec: it.start!, endSec: it.end! };
      turns.push(current);
    }
  }
  return turns;
}

/** Explicit map, or the heuristic: the first voice is the agent's (agents open calls), the second the customer's, later ones agents after a transfer. */
function assignSpeakers(labels: string[], explicit: Record<string, CallSpeaker> | undefined): { roles: Map<string, CallSpeaker>; mapping: CallRecord['speakerMapping'] } {
  const roles = new Map<string, CallSpeaker>();
  if (explicit && Object.keys(explicit).length > 0) {
    for (const l of labels) {
      const role = explicit[l];
      if (!role) throw inputError('CX_ERR_MISSING_SPEAKER', `speaker label '${l}' is not in the speaker map (${Object.keys(explicit).join(', ')})`, 'speakers');
      roles.set(l, role);
    }
    return { roles, mapping: 'explicit' };
  }
  for (const l of labels) if (!roles.has(l)) roles.set(l, roles.size === 1 ? 'customer' : 'agent');
  return { roles, mapping: 'first-speaker-is-agent' };
}

/**
 * Amazon Transcribe batch output (`results.items` with `speaker_labels` or `channel_labels`), plus
 * the call metadata from `meta` (an envelope's `call`, query parameters, or a sidecar file).
 * `jobName` is the call id when none is given.
 */
export function fromTranscribe(doc: Record<string, unknown>, meta: Record<string, unknown>, defaultSpeakers?: Record<string, CallSpeaker>): CallRecord {
  if (typeof doc.status === 'string' && doc.status !== 'COMPLETED') throw inputError('CX_ERR_INVALID_VALUE', `the Transcribe job status is '${doc.status}', not COMPLETED`, 'status');
  const callMeta = readCallMeta(meta, { callId: typeof doc.jobName === 'string' ? doc.jobName : undefined });
  const results = reqObject(doc, 'results');
  const items = readItems(results);
  const lookup = labelLookup(results);
  if (!lookup && !items.some((i) => i.label !== undefined)) {
    throw inputError('CX_ERR_MISSING_SPEAKER', 'the transcript has no speaker labels: run the Transcribe job with ShowSpeakerLabels or ChannelIdentification', 'results.speaker_labels');
  }
  const grouped = groupTurns(items, lookup);
  if (grouped.length === 0) throw inputError('CX_ERR_EMPTY_TEXT', 'the transcript has no words', 'results.items');
  const { roles, mapping } = assignSpeakers([...new Set(grouped.map((t) => t.label))], callMeta.speakers ?? defaultSpeakers);
  const turns = grouped.map((t): CallTurn => ({ speaker: roles.get(t.label)!, text: t.text, startSec: t.startSec, endSec: t.endSec, label: t.label }));
  const { speakers: _s, ...rest } = callMeta;
  return { ...rest, format: 'aws-transcribe', speakerMapping: mapping, turns };
}
