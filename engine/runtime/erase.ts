import { connect } from '@nats-io/transport-node';
import type { EventBus } from '../bus/index.ts';
import { natsServersOf, type Config } from '../config/index.ts';
import { connectBus, connectStore } from './connect.ts';
import { kvBackendOptions } from './churn.ts';
import { privacySettings } from './privacy.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { createStateStore, openKvBackend, type CustomerStateStore } from '../churn/index.ts';
import type { ErasedPlace, ErasureReport, ErasureTarget, ForgetsCustomers } from '../event/index.ts';
import type { Logger } from '../observability/index.ts';
import { erasureLogHash, type Pseudonymizer } from '../privacy/index.ts';
import { announcer, forgetStates, type StateParts } from './eraseAcross.ts';

/** Events already taken from the bus when the erasure began land within about this long (the micro-batch and store lingers); then a second pass runs. */
export const DEFAULT_SETTLE_MS = 500;

export interface ErasureParts {
  bus?: Pick<EventBus, 'eraseCustomer'>;
  store?: Pick<ScoreStore, 'eraseCustomer' | 'logErasure'>;
  /** Churn customer states (cache and KV bucket). */
  states?: StateParts;
  /** In-memory state of a running engine: conversations, cues, waiting conversations, feed snapshot. */
  memory?: readonly ForgetsCustomers[];
  pseudonymize: Pseudonymizer;
  /** Key of the erasure log's hash. */
  logKey(): string;
  log: Logger;
  settleMs?: number;
  /** Tells the other instances (engine/runtime/eraseAcross.ts), so the customer's owner forgets its memory too; called before the first pass. */
  announce?(target: ErasureTarget): void;
}

export type EraseCustomer = (id: string) => Promise<ErasureReport>;

/** The customer to erase: the id as given and its pseudonym (the id given may be either). */
export function erasureTarget(id: string, pseudonymize: Pseudonymizer): ErasureTarget {
  const ids = [...new Set([pseudonymize(id), id])];
  const set = new Set(ids);
  return { ids, matches: (c) => set.has(c) || set.has(pseudonymize(c)) };
}

/**
 * Erasure of one customer from every place this process reaches: messages still on the bus
 * (events and dead letters) first, so nothing of the customer is delivered again, then the
 * engine's memory, the customer state and the store; after `settleMs` the last three once more
 * for events that were already in the pipeline. The log line keeps a keyed hash of the id and the
 * time only. Failures are reported per place, never thrown: the request can simply be repeated.
 */
export function customerEraser(p: ErasureParts): EraseCustomer {
  return async (id) => {
    const target = erasureTarget(id, p.pseudonymize);
    const places = new Map<string, ErasedPlace>();
    const failures: ErasureReport['failures'] = [];
    // Error texts can quote the statement, and so the id: it never reaches the answer.
    const clean = (e: unknown) => target.ids.reduce((m, x) => m.split(x).join('[customer]'), e instanceof Error ? e.message : String(e));
    const add = (list: readonly ErasedPlace[]) => {
      for (const e of list) {
        const key = `${e.place}\u0000${e.what}`;
        const known = places.get(key);
        if (known) known.removed += e.removed;
        else places.set(key, { ...e });
      }
    };
    const step = async (what: string, run: () => Promise<readonly ErasedPlace[]> | readonly ErasedPlace[]) => {
      try {
        add(await run());
      } catch (e) {
        failures.push({ what, message: clean(e) });
      }
    };
    const states = () => forgetStates(p.states!, target);
    const pass = async () => {
      for (const m of p.memory ?? []) await step('engine memory', () => m.forgetCustomer(target));
      if (p.states) await step('customer state', states);
      if (p.store?.eraseCustomer) await step('store', () => p.store!.eraseCustomer!(target.ids));
    };

    if (p.bus?.eraseCustomer) await step('bus', () => p.bus!.eraseCustomer!(target));
    p.announce?.(target);
    await pass();
    await new Promise((r) => setTimeout(r, p.settleMs ?? DEFAULT_SETTLE_MS));
    await pass();
    // The id as sent stays nowhere in memory, the pseudonymizer's cache of recent ids included.
    for (const x of target.ids) p.pseudonymize.forget?.(x);

    const erasedAtMs = Date.now();
    let logged = false;
    try {
      await p.store?.logErasure?.({ idHash: erasureLogHash(p.logKey(), target.ids[0]!), erasedAtMs });
      logged = p.store?.logErasure !== undefined;
    } catch (e) {
      failures.push({ what: 'erasure log', message: clean(e) });
    }
    const list = [...places.values()];
    const removed = list.reduce((n, e) => n + e.removed, 0);
    p.log.info({ removed, failures: failures.length }, `customer erased: ${removed} items removed${failures.length ? `, ${failures.length} places failed` : ''}`);
    return { customerId: target.ids[0]!, erasedAtMs, removed, places: list, failures, complete: failures.length === 0, logged };
  };
}

/**
 * Erasure without a running engine (`cxpulse erase`): the bus, the store and the customer-state
 * bucket as `cxpulse start` would pick them. Engines running on the same NATS with
 * CXPULSE_INSTANCES > 1 hear the announcement and forget the customer's memory; a single engine
 * does not listen: DELETE /v1/customers/:id on it covers its memory.
 */
export async function eraseWithoutEngine(cfg: Config, log: Logger, id: string): Promise<ErasureReport> {
  const bus = await connectBus(cfg, log);
  const store = await connectStore(cfg, log);
  let states: CustomerStateStore | undefined;
  try {
    await bus.init();
    await store.init();
    if (bus.kind === 'nats' && cfg.CXPULSE_CHURN === 'on') {
      const nc = await connect({ servers: natsServersOf(cfg), name: 'cxpulse-erase' });
      states = createStateStore(await openKvBackend(nc, cfg.CXPULSE_CHURN_KV_BUCKET, kvBackendOptions(cfg, log)));
    }
    const privacy = privacySettings(cfg, log);
    // Running engines on the same NATS forget the customer's memory too (engine/runtime/eraseAcross.ts).
    const announce = bus.kind === 'nats' ? announcer(bus, null, privacy.logKey) : undefined;
    const erase = customerEraser({ bus, store, ...(states ? { states } : {}), pseudonymize: privacy.pseudonymize, logKey: privacy.logKey, log, settleMs: 0, ...(announce ? { announce } : {}) });
    return await erase(id);
  } finally {
    await states?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await bus.close().catch(() => undefined);
  }
}
