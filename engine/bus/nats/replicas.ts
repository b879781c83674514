/**
 * The replica count of the JetStream streams cxpulse creates (CX_EVENTS, CX_DLQ and the
 * customer-state bucket's KV_<bucket>): CXPULSE_NATS_REPLICAS. Unset: new streams get one replica
 * and existing ones keep theirs (a count raised by hand stays). Set: new streams get it, and an
 * existing stream with another count is moved to it where NATS allows.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';

/** NATS's answers when it cannot place the replicas a stream asks for. */
const PLACEMENT = /no suitable peers|insufficient resources|not supported in non-clustered mode|replicas > 1/i;

const needs = (replicas: number) => `CXPULSE_NATS_REPLICAS=${replicas} needs a JetStream cluster of at least ${replicas} servers`;

/**
 * A single NATS server (not in a cluster) keeps every stream on one server whatever its
 * num_replicas says (it even accepts an update to 3 and reports 3), so more than one replica is a
 * start-up error there, found from the server's INFO rather than from the streams.
 */
export function checkReplicasPossible(nc: Pick<NatsConnection, 'info' | 'getServer'>, replicas: number | undefined): void {
  if (replicas === undefined || replicas <= 1) return;
  if (nc.info?.cluster === undefined) throw new Error(`${needs(replicas)}; the NATS server at ${nc.getServer()} is a single server, not in a cluster (set CXPULSE_NATS_REPLICAS=1, or give NATS_URL the servers of a cluster)`);
}

/** A failure to create a stream with `replicas` replicas as a start-up error naming the setting; undefined when it is another failure. */
export function placementError(e: unknown, stream: string, replicas: number | undefined): Error | undefined {
  if (replicas === undefined || replicas <= 1 || !PLACEMENT.test(String(e))) return undefined;
  return new Error(`${needs(replicas)}: NATS could not place ${replicas} replicas of stream ${stream} (${(e as Error).message})`, { cause: e });
}

/**
 * Moves an existing stream to `replicas` replicas when it has another count. NATS 2.9+ changes
 * the count of a clustered stream in place; when it refuses (too few servers with room), the
 * stream keeps its count and `warn` says so, naming the stream and both counts: a running
 * deployment is not stopped over its redundancy.
 */
export async function adoptReplicas(jsm: JetStreamManager, stream: string, current: number | undefined, replicas: number | undefined, warn: (msg: string, fields: Record<string, unknown>) => void): Promise<void> {
  const has = current ?? 1;
  if (replicas === undefined || has === replicas) return;
  try {
    await jsm.streams.update(stream, { num_replicas: replicas });
  } catch (e) {
    warn(`stream ${stream} keeps ${has} replica${has === 1 ? '' : 's'}: NATS refused to change it to CXPULSE_NATS_REPLICAS=${replicas} (${(e as Error).message}); the engine goes on with ${has}`, { stream, replicas: has, wanted: replicas, err: String(e) });
    return;
  }
  // The stream elects a leader over its new peers; requests to it meanwhile time out, so wait (bounded) for that.
  if (!(await settled(jsm, stream, replicas, SETTLE_TIMEOUT_MS))) {
    warn(`stream ${stream}: ${replicas} replicas asked for, not all current after ${SETTLE_TIMEOUT_MS / 1000} s; NATS goes on placing them`, { stream, replicas: has, wanted: replicas });
  }
}

/** How long the start waits for a stream whose replica count changed to have a leader and current followers. */
const SETTLE_TIMEOUT_MS = 15_000;

async function settled(jsm: JetStreamManager, stream: string, replicas: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const c = (await jsm.streams.info(stream)).cluster;
      const followers = c?.replicas ?? [];
      if (c?.leader && followers.length === replicas - 1 && followers.every((r) => r.current)) return true;
    } catch {
      // no leader yet: the info request itself times out or fails
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
