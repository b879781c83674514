import { concatMap, connect, filter, ignoreElements, merge, mergeMap, of, type MonoTypeOperatorFunction } from 'rxjs';
import type { Envelope } from '../bus/types.ts';
import { decodeBusinessEvent } from '../event/validate.ts';
import type { BusinessEvent } from '../event/types.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { batchBy } from './batchBy.ts';
import { deadLetter$, type DeadLetterSink } from './deadLetter.ts';
import { retry } from '../util/index.ts';
import { DEFAULT_RETRY_DELAYS_MS, NAK_DELAY_MS } from './deliver.ts';

export const BUSINESS_SUBJECT = 'cx.events.crm';

export interface StoreBusinessOptions {
  store: Pick<ScoreStore, 'writeBusinessEvents'>;
  dlq: DeadLetterSink;
  batchSize: number;
  lingerMs: number;
  retryDelaysMs?: readonly number[];
  onRetry?(error: Error, attempt: number): void;
  onGaveUp?(error: Error, size: number): void;
  onStored?(rows: readonly BusinessEvent[]): void;
}

/**
 * Business (CRM) events are not scored: they are checked, stored for the churn model's customer
 * state, and acked once durable (invalid ones go to the DLQ). Every other message passes through.
 */
export function storeBusinessEvents(o: StoreBusinessOptions): MonoTypeOperatorFunction<Envelope> {
  const isBusiness = (env: Envelope) => env.subject === BUSINESS_SUBJECT;
  return connect((shared) =>
    merge(
      shared.pipe(
        filter(isBusiness),
        mergeMap((env) => {
          const r = decodeBusinessEvent(env.data);
          return r.ok ? of({ env, row: { ...r.business, receivedAtMs: env.receivedAtMs } }) : deadLetter$(o.dlq, env, r.error);
        }),
        batchBy(o.batchSize, o.lingerMs),
        concatMap(async (batch) => {
          const rows = batch.map((b) => b.row);
          const written = await retry(() => o.store.writeBusinessEvents(rows), { delaysMs: o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS }, { onRetry: (e, n) => o.onRetry?.(e as Error, n) });
          if (!written.ok) {
            for (const b of batch) b.env.nak(NAK_DELAY_MS);
            o.onGaveUp?.(written.error as Error, batch.length);
            return;
          }
          for (const b of batch) b.env.ack();
          o.onStored?.(rows);
        }),
        ignoreElements(),
      ),
      shared.pipe(filter((env) => !isBusiness(env))),
    ),
  );
}
