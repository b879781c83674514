import { concatMap, connect, filter, ignoreElements, merge, mergeMap, of, type MonoTypeOperatorFunction } from 'rxjs';
import type { Envelope } from '../bus/types.ts';
import { decodeBusinessEvent } from '../event/validate.ts';
import type { BusinessEvent } from '../event/types.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { batchBy } from './batchBy.ts';
import { deadLetter$, type DeadLetterSink } from './deadLetter.ts';
import { storeBatchOptions, type DeliverOptions } from './deliver.ts';
import { storeBatch } from './storeBatch.ts';

export const BUSINESS_SUBJECT = 'cx.events.crm';

export interface StoreBusinessOptions extends Pick<DeliverOptions, 'retryDelaysMs' | 'holdMaxDelayMs' | 'signal' | 'onRetry' | 'onGaveUp'> {
  store: Pick<ScoreStore, 'writeBusinessEvents'> & Partial<Pick<ScoreStore, 'ping'>>;
  dlq: DeadLetterSink;
  batchSize: number;
  lingerMs: number;
  onStored?(rows: readonly BusinessEvent[]): void;
  /** The row as kept (customer id pseudonymised, meta redacted); default as sent. */
  keep?(row: BusinessEvent): BusinessEvent;
}

/**
 * Business (CRM) events are not scored: they are checked, stored for the churn model's customer
 * state, and acked once durable (invalid ones go to the DLQ). Every other message passes through.
 */
export function storeBusinessEvents(o: StoreBusinessOptions): MonoTypeOperatorFunction<Envelope> {
  const isBusiness = (env: Envelope) => env.subject === BUSINESS_SUBJECT;
  const keep = o.keep ?? ((row: BusinessEvent) => row);
  const storing = storeBatchOptions<{ env: Envelope; row: BusinessEvent }>(o, o.store.ping?.bind(o.store), (items) => o.store.writeBusinessEvents(items.map((b) => b.row)));
  return connect((shared) =>
    merge(
      shared.pipe(
        filter(isBusiness),
        mergeMap((env) => {
          const r = decodeBusinessEvent(env.data);
          return r.ok ? of({ env, row: keep({ ...r.business, receivedAtMs: env.receivedAtMs }) }) : deadLetter$(o.dlq, env, r.error);
        }),
        batchBy(o.batchSize, o.lingerMs),
        concatMap(async (batch) => {
          const stored = await storeBatch(batch, storing);
          if (stored.length > 0) o.onStored?.(stored.map((b) => b.row));
        }),
        ignoreElements(),
      ),
      shared.pipe(filter((env) => !isBusiness(env))),
    ),
  );
}
