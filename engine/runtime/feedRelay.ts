import { scaleOf, type Config } from '../config/index.ts';
import type { EventBus } from '../bus/index.ts';
import { relayFeed, FEED_RELAY_FILTER, type FeedHub } from '../feed/index.ts';
import type { Logger } from '../observability/index.ts';

/**
 * One instance: the hub as is. Several (CXPULSE_INSTANCES > 1): the hub relayed over core NATS
 * (engine/feed/relay.ts), so every instance's feed carries every instance's scores, cues, alerts
 * and actions.
 */
export function relayAcrossInstances(cfg: Config, bus: Pick<EventBus, 'publish' | 'subscribe'>, hub: FeedHub, log: Logger): FeedHub {
  const scale = scaleOf(cfg);
  if (scale.instances === 1) return hub;
  const subscribe = bus.subscribe?.bind(bus);
  if (!subscribe) throw new Error('CXPULSE_INSTANCES > 1 needs NATS (NATS_URL): the in-process bus cannot reach the other instances');
  let malformed = 0;
  return relayFeed(hub, {
    instance: scale.instance,
    transport: { publish: (s, d) => bus.publish(s, d), subscribe },
    onMalformed(why) {
      // Once, then every 1000th: a stray publisher must not flood the log.
      if (malformed++ % 1000 === 0) log.warn({ subject: FEED_RELAY_FILTER, why, malformed }, 'ignored a malformed feed relay message');
    },
  });
}
