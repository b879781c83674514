import {
  checkContract,
  connectorError,
  inputError,
  isObject,
  mapInput,
  type ConnectorError,
  type ConnectorPublisher,
  type Mapped,
} from '../shared/index.ts';
import type { CallsConfig } from './config.ts';
import { fromCxpulseCall } from './cxpulse.ts';
import { callEvents, mergeMeta, type CallRecord } from './record.ts';
import { fromTranscribe, isTranscribeOutput } from './transcribe.ts';

export interface CallIngestDeps {
  publisher: ConnectorPublisher;
  maxTextBytes: number;
  config: CallsConfig;
}

export type CallIngest = { ok: true; callId: string; ids: string[]; duplicates: number } | { ok: false; error: ConnectorError };

/**
 * Recognises the format: our shape (`turns`), an envelope `{ call: {...metadata}, transcribe: {...} }`,
 * or a bare Amazon Transcribe output whose metadata comes in `extraMeta` (query or sidecar file).
 */
export function parseCall(value: unknown, extraMeta: Record<string, unknown>, cfg: CallsConfig): Mapped<CallRecord> {
  if (!isObject(value)) return { ok: false, error: connectorError('CX_ERR_NOT_AN_OBJECT', 'a call must be a JSON object') };
  return mapInput(() => {
    if (value.turns !== undefined) return fromCxpulseCall(value, extraMeta);
    if (isObject(value.transcribe)) return fromTranscribe(value.transcribe, mergeMeta(isObject(value.call) ? value.call : undefined, extraMeta), cfg.speakers);
    if (isTranscribeOutput(value)) return fromTranscribe(value, extraMeta, cfg.speakers);
    throw inputError(
      'CX_ERR_UNSUPPORTED_PAYLOAD',
      'not a call: expected our shape (callId, customerId, startedAt, turns[]), an Amazon Transcribe output (results.items) or { call, transcribe }',
    );
  });
}

/**
 * One call, all or nothing: every turn is checked against the contract before the first is
 * published, so a bad turn never leaves half a call in the stream. A refused call is
 * dead-lettered once, whole, with the reason naming the turn.
 */
export async function ingestCall(value: unknown, payload: string, extraMeta: Record<string, unknown>, deps: CallIngestDeps): Promise<CallIngest> {
  const parsed = parseCall(value, extraMeta, deps.config);
  if (!parsed.ok) {
    await deps.publisher.reject(parsed.error, payload);
    return parsed;
  }
  const events = callEvents(parsed.value);
  for (const [i, e] of events.entries()) {
    const check = checkContract(e, deps.maxTextBytes);
    if (check.ok) continue;
    const error: ConnectorError = { code: check.error.code, field: `turns[${i}].${check.error.field ?? ''}`.replace(/\.$/, ''), message: `turn ${i}: ${check.error.message}` };
    await deps.publisher.reject(error, payload);
    return { ok: false, error };
  }
  let duplicates = 0;
  for (const e of events) {
    const outcome = await deps.publisher.publish(e);
    if (outcome.status === 'duplicate') duplicates++;
    // Checked above; a rejection here would be a contract drift between check and publish.
    if (outcome.status === 'rejected') return { ok: false, error: outcome.error };
  }
  return { ok: true, callId: parsed.value.callId, ids: events.map((e) => e.id), duplicates };
}
