import { identity, tap, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import type { ScoredEvent, LanguageGuess } from '../event/types.ts';
import type { FieldLimits } from '../event/validate.ts';
import type { FeedMode } from '../config/index.ts';
import type { Envelope, EventBus } from '../bus/types.ts';
import type { ScoreStore } from '../sinks/types.ts';
import type { FeedHub } from '../feed/index.ts';
import type { AlertPublisher, CueEngine } from '../cues/index.ts';
import type { ActionEngine } from '../actions/index.ts';
import { storeBusinessEvents } from './storeBusinessEvents.ts';
import { decode } from './decode.ts';
import { deadLetterInvalid } from './deadLetterInvalid.ts';
import { deadLetterLastDelivery, type DeadLetterSink } from './deadLetter.ts';
import { privateEvent, redact, type RedactStageOptions } from './redact.ts';
import { guessLanguage } from './guessLanguage.ts';
import { featurize, featurizeOnWorkers } from './featurize.ts';
import { batchBy } from './batchBy.ts';
import { score } from './score.ts';
import { deadLetterFailed } from './deadLetterFailed.ts';
import { TREND_WINDOW_TURNS, MAX_TRACKED_CONVERSATIONS, trackConversation, type ConversationStates } from './trackConversation.ts';
import { churnBusinessObserver, scoreChurn, type ChurnStage } from './scoreChurn.ts';
import { deliver, memoRows } from './deliver.ts';
import { broadcastToFeed } from './broadcastToFeed.ts';
import { broadcastLive } from './broadcastLive.ts';
import { publishScores } from './publishScores.ts';
import { adviseCues } from './adviseCues.ts';
import { adviseActions } from './adviseActions.ts';
import { raiseAlerts } from './raiseAlerts.ts';
import type { PipelineHooks } from './hooks.ts';
import type { Accepted, BatchScorer, Featurized, PipelineModel, Tracked } from './types.ts';

export interface PipelineDeps {
  maxTextBytes: number;
  /** Caps on the other fields (CXPULSE_MAX_*); defaults where absent. */
  fieldLimits?: Partial<FieldLimits>;
  /** Redact postal addresses and person names as well (best effort); default true. */
  redactNames?: boolean;
  /** Customer ids pseudonymised and meta keys allowed (CXPULSE_PSEUDONYM_KEY, CXPULSE_META_KEYS); absent: ids as sent, meta values redacted. */
  privacy?: Pick<RedactStageOptions, 'pseudonymize' | 'metaAllow'>;
  batchSize: number;
  batchLingerMs: number;
  model: PipelineModel;
  /** Featurize + forward pass on worker threads (engine/model/pool.ts); absent: on the main thread. */
  workers?: BatchScorer;
  detectLanguage(text: string): LanguageGuess;
  store: ScoreStore;
  /**
   * Store writes: rows per write, how long a partial batch may wait, the retry delays, the longest
   * wait while the store is down, and the signal that ends that wait (a stop).
   */
  sink: { batchSize: number; lingerMs: number; concurrency?: number; retryDelaysMs?: readonly number[]; holdMaxDelayMs?: number; signal?: AbortSignal };
  /** The DLQ, and `cx.scores.<channel>` for stored rows. */
  bus: Pick<EventBus, 'deadLetter' | 'publish'>;
  feed: Pick<FeedHub, 'broadcast' | 'broadcastCue'>;
  /** `live` (default): the feed gets each scored batch before its durable write; `durable`: after it. */
  feedMode?: FeedMode;
  cues: Pick<CueEngine, 'observe'>;
  alerts: Pick<AlertPublisher, 'delivered'>;
  /** Where the conversation sentiment state lives (so an erasure can reach it); default a private one. */
  conversations?: ConversationStates;
  /** Customer state and churn risk (engine/runtime/churn.ts); absent = churn off. */
  churn?: ChurnStage;
  /** Next best actions (engine/runtime/actions.ts); absent = off. Needs `churn` for CRM events. */
  actions?: Pick<ActionEngine, 'observeScored' | 'observeBusiness'>;
  hooks?: PipelineHooks;
}

/**
 * The path of every message. A failure on a message's last delivery -> DLQ with its history.
 * Business (CRM) events -> pseudonymise -> store (-> customer state). Customer
 * messages: validate (invalid -> DLQ) -> redact PII, pseudonymise -> language -> featurize -> micro-batch ->
 * score (unscorable -> DLQ) -> conversation state -> customer state and churn risk -> (live feed)
 * -> store, ack. Then, on stored rows only: (durable feed) -> cx.scores -> cues -> actions -> alerts.
 */
export function scoringPipeline(d: PipelineDeps): OperatorFunction<Envelope, ScoredEvent[]> {
  const h = d.hooks ?? {};
  const dlq: DeadLetterSink = { deadLetter: (entry) => d.bus.deadLetter(entry), onDeadLettered: h.onDeadLettered };
  const live = (d.feedMode ?? 'live') === 'live';
  const toRow = memoRows();
  return (source) =>
    source.pipe(
      received(h, dlq),
      storeBusinessEvents({ store: d.store, dlq, ...d.sink, ...businessHooks(d), keep: (row) => privateEvent(row, { ...d.privacy, names: d.redactNames ?? true }) }),
      decode({ ...d.fieldLimits, maxTextBytes: d.maxTextBytes }),
      deadLetterInvalid(dlq),
      prepareText(d),
      batchBy(d.batchSize, d.batchLingerMs),
      scoreBatch(d, dlq, live ? broadcastLive(d.feed, toRow, h.onStageError) : identity),
      deliver({ store: d.store, dlq, ...d.sink, ...h.deliver, toRow }),
      publishStored(d, !live),
    );
}

/** Every message taken from the bus: counted, and its last delivery guarded (a failure then goes to the DLQ). */
function received(h: PipelineHooks, dlq: DeadLetterSink): MonoTypeOperatorFunction<Envelope> {
  return (source) => source.pipe(tap(h.onReceived), deadLetterLastDelivery(dlq));
}

/** Per event, before batching: redact PII -> language -> featurize (on the scoring workers when there are some). */
function prepareText(d: PipelineDeps): OperatorFunction<Accepted, Featurized> {
  return (source) =>
    source.pipe(redact({ ...d.privacy, names: d.redactNames, count: d.hooks?.onRedaction }), guessLanguage(d.detectLanguage), d.workers ? featurizeOnWorkers() : featurize(d.model));
}

/** Per micro-batch: score (unscorable -> DLQ) -> conversation state -> customer state and churn risk -> `scored` (the live feed). */
function scoreBatch(d: PipelineDeps, dlq: DeadLetterSink, scored: MonoTypeOperatorFunction<Tracked[]>): OperatorFunction<Featurized[], Tracked[]> {
  return (source) =>
    source.pipe(
      score(d.model, { onBatch: d.hooks?.onScoreBatch, onWorkerError: d.hooks?.onWorkerError }, d.workers),
      deadLetterFailed(dlq),
      trackConversation(TREND_WINDOW_TURNS, MAX_TRACKED_CONVERSATIONS, d.conversations),
      d.churn ? scoreChurn(d.churn) : identity,
      scored,
    );
}

/**
 * On stored (and acked) rows only: feed (durable mode) -> cx.scores -> cues -> actions -> alerts. A
 * failure here is reported, never thrown: it cannot un-ack a row or stop the pipeline.
 */
function publishStored(d: PipelineDeps, feed: boolean): MonoTypeOperatorFunction<ScoredEvent[]> {
  const onError = d.hooks?.onStageError;
  return (source) =>
    source.pipe(
      feed ? broadcastToFeed(d.feed, onError) : identity,
      publishScores(d.bus, onError),
      adviseCues(d.cues, d.feed, { onCue: d.hooks?.onCue, onError }),
      d.actions ? adviseActions(d.actions, onError) : identity,
      raiseAlerts(d.alerts, onError),
    );
}

/** The business hooks, plus the churn stage's state update once rows are stored (and the actions' look at the new states). */
function businessHooks(d: PipelineDeps): PipelineHooks['business'] {
  const hooks = d.hooks?.business;
  if (!d.churn) return hooks;
  const actions = d.actions;
  const observe = churnBusinessObserver(d.churn, actions ? (updated) => actions.observeBusiness(updated) : undefined);
  return {
    ...hooks,
    onStored: (rows) => {
      hooks?.onStored?.(rows);
      observe(rows);
    },
  };
}
