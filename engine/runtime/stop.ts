import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import type { FeedHub } from '../feed/index.ts';
import type { AlertPublisher } from '../cues/index.ts';
import type { Logger } from '../observability/index.ts';
import type { ModelRegistry } from '../model/registry.ts';
import type { RunningPipeline } from './pipeline.ts';
import type { ChurnRuntime } from './churn.ts';
import type { ActionsRuntime } from './actions.ts';

/** How long a graceful stop waits for in-flight events before closing anyway. */
export const DRAIN_TIMEOUT_MS = 15_000;

interface Parts {
  log: Logger;
  bus: EventBus;
  pipeline: RunningPipeline;
  alerts: Pick<AlertPublisher, 'flush'>;
  actions: Pick<ActionsRuntime, 'stop'>;
  feed: Pick<FeedHub, 'closeAll'>;
  app: FastifyInstance;
  store: ScoreStore;
  churn: Pick<ChurnRuntime, 'stop'>;
  models: Pick<ModelRegistry, 'close'>;
}

/**
 * The second half of a graceful stop, once no source feeds the bus: no new messages, in-flight
 * work drained and acked (or left for redelivery after DRAIN_TIMEOUT_MS), then everything closed
 * in the reverse order it was opened.
 */
export async function drainAndClose(p: Parts): Promise<void> {
  p.pipeline.stopping();
  await p.bus.stop();
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_TIMEOUT_MS).unref());
  const drained = await Promise.race([p.pipeline.done.then(() => true), timeout]);
  if (!drained) p.log.warn(`drain did not finish in ${DRAIN_TIMEOUT_MS} ms; unacked events will be redelivered`);
  await p.alerts.flush();
  await p.actions.stop();
  p.feed.closeAll(1001, 'engine shutting down');
  await p.app.close();
  await p.store.close();
  await p.churn.stop();
  await p.bus.close();
  p.models.close();
  p.log.info('stopped');
}
