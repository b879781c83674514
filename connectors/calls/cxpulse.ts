import { inputError, isObject, reqNumber } from '../shared/index.ts';
import { readCallMeta, type CallRecord, type CallTurn } from './record.ts';

/**
 * Our documented call shape: the call metadata (record.ts) plus
 * `turns: [{ speaker: 'customer'|'agent', text, startSec, endSec }]` in spoken order.
 */
export function fromCxpulseCall(o: Record<string, unknown>, extraMeta: Record<string, unknown> = {}): CallRecord {
  const meta = readCallMeta({ ...o, ...extraMeta });
  const raw = o.turns;
  if (!Array.isArray(raw)) throw inputError(raw === undefined ? 'CX_ERR_MISSING_FIELD' : 'CX_ERR_WRONG_TYPE', "field 'turns' must be an array of turns", 'turns');
  if (raw.length === 0) throw inputError('CX_ERR_EMPTY_BATCH', "field 'turns' is empty: a call needs at least one turn", 'turns');
  const turns = raw.map((t, i): CallTurn => {
    const at = `turns[${i}]`;
    if (!isObject(t)) throw inputError('CX_ERR_NOT_AN_OBJECT', `${at} must be an object`, at);
    const speaker = t.speaker;
    if (speaker === undefined || speaker === null || speaker === '') {
      throw inputError('CX_ERR_MISSING_SPEAKER', `${at} has no speaker: every turn needs 'customer' or 'agent'`, `${at}.speaker`);
    }
    if (speaker !== 'customer' && speaker !== 'agent') {
      throw inputError('CX_ERR_MISSING_SPEAKER', `${at}.speaker is ${JSON.stringify(speaker).slice(0, 40)}; it must be 'customer' or 'agent'`, `${at}.speaker`);
    }
    if (typeof t.text !== 'string') throw inputError(t.text === undefined ? 'CX_ERR_MISSING_FIELD' : 'CX_ERR_WRONG_TYPE', `${at}.text must be a string`, `${at}.text`);
    const startSec = reqNumber(t, 'startSec', `${at}.startSec`, { min: 0 });
    const endSec = reqNumber(t, 'endSec', `${at}.endSec`, { min: startSec });
    return { speaker, text: t.text, startSec, endSec };
  });
  return { ...withoutSpeakers(meta), format: 'cxpulse', turns };
}

function withoutSpeakers<T extends { speakers?: unknown }>(m: T): Omit<T, 'speakers'> {
  const { speakers: _ignored, ...rest } = m;
  return rest;
}
