/**
 * Applies observations to customer states held in a store, one batch at a time: a batch of
 * scored messages and a batch of CRM events never interleave, so no update is lost between the
 * store read and the write.
 */
import { reduceCustomer, type CustomerObservation, type CustomerState } from './state.ts';
import type { CustomerStateStore } from './stateStore.ts';

export interface CustomerUpdate { customerId: string; observation: CustomerObservation }

export interface CustomerTracker {
  readonly store: CustomerStateStore;
  /** Applies the updates in order; returns each customer's state right after its update. */
  apply(updates: readonly CustomerUpdate[]): Promise<CustomerState[]>;
}

export function createCustomerTracker(store: CustomerStateStore): CustomerTracker {
  let queue: Promise<unknown> = Promise.resolve();
  async function applyNow(updates: readonly CustomerUpdate[]): Promise<CustomerState[]> {
    await store.load(updates.map((u) => u.customerId));
    return updates.map((u) => {
      const next = reduceCustomer(store.get(u.customerId), u.observation);
      store.set(u.customerId, next);
      return next;
    });
  }
  return {
    store,
    apply(updates) {
      const run = queue.then(() => applyNow(updates));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
