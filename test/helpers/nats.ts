/**
 * A private nats-server per test (engine/devtools: integration tier only), with a connection and
 * a JetStream manager on it. The bus a test puts in `bus` is closed after it, before the
 * connection and the server.
 */
import { afterEach, beforeEach } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { EventBus } from '../../engine/bus/index.ts';

export interface NatsPerTest {
  /** The running test's server (its `url`), connection and JetStream manager. */
  readonly server: NatsServerHandle;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** The bus the test made: closed and cleared after the test. */
  bus: EventBus | undefined;
}

/** Registers the hooks; read the returned object's fields inside a test. */
export function useNatsServerPerTest(): NatsPerTest {
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the nats-server of this test is not started yet (use it inside a test)');
    return v;
  };
  const out: NatsPerTest = {
    bus: undefined,
    get server() { return started(server); },
    get nc() { return started(nc); },
    get jsm() { return started(jsm); },
  };
  beforeEach(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
  });
  afterEach(async () => {
    await out.bus?.close();
    out.bus = undefined;
    await nc?.close();
    await server?.dispose();
    server = nc = jsm = undefined;
  });
  return out;
}
