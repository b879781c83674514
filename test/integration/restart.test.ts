import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { startNatsServer, freePort, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { takeEvents, type RawEvent } from '../../simulator/index.ts';
import { queryNumber, startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';

const BIN = fileURLToPath(new URL('../../bin/cxpulse.js', import.meta.url));
let nats: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;

// Each test gets its own server, so the second one's consumer does not see the first one's stream.
beforeEach(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);
});
afterEach(async () => {
  await nc?.close();
  await nats?.dispose();
});

/** Publishes events at about `perSecond` in the background; resolves when all are published. */
async function publishStream(events: RawEvent[], perSecond: number): Promise<void> {
  const chunk = Math.max(1, Math.round(perSecond / 20));
  for (let i = 0; i < events.length; i += chunk) {
    await Promise.all(events.slice(i, i + chunk).map((e) => js.publish(`cx.events.${e.channel}`, JSON.stringify(e), { msgID: e.id })));
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectExactlyOnce(db: ReturnType<typeof testDatabase>, n: number) {
  const table = `${db.name}.scored_events`;
  await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${table} FINAL`)) >= n, 90_000, () => 'all rows');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await queryNumber(db.client, `SELECT count() FROM ${table} FINAL`)).toBe(n);
  expect(await queryNumber(db.client, `SELECT uniqExact(event_id) FROM ${table}`)).toBe(n);
  expect(await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events_latest`)).toBe(n);
}

/** Sum of a Prometheus counter over its labels, read from the engine's /metrics. */
async function counterTotal(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('restarting the engine in the middle of a stream', () => {
  it('loses no event and counts none twice after a graceful restart', async () => {
    const db = testDatabase('cxpulse_it_restart');
    const env = { NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_CONSUMER: 'graceful' };
    const events = takeEvents(1500, { seed: 11 });
    let engine = await startTestEngine(env);
    const publishing = publishStream(events, 500);
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events`)) >= 300, 60_000, () => 'first rows');
    await engine.stop();
    const mid = await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL`);
    engine = await startTestEngine(env);
    await publishing;
    try {
      await expectExactlyOnce(db, events.length);
      expect(mid).toBeLessThan(events.length); // the stop really happened mid-stream
    } finally {
      await engine.stop();
      await db.drop();
    }
  });

  it('loses no event and counts none twice after the process is killed (SIGKILL) and started again', async () => {
    const db = testDatabase('cxpulse_it_crash');
    const port = await freePort();
    const env = {
      ...process.env,
      NATS_URL: nats.url,
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      CLICKHOUSE_DB: db.name,
      CXPULSE_CONSUMER: 'crash',
      CXPULSE_ACK_WAIT_MS: '2000',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const spawnEngine = (): ChildProcess => spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const events = takeEvents(1500, { seed: 12 });
    let child = spawnEngine();
    try {
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)), 60_000, () => 'engine ready');
      const publishing = publishStream(events, 500);
      await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events`)) >= 300, 60_000, () => 'first rows');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const mid = await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL`);
      child = spawnEngine();
      await publishing;
      await expectExactlyOnce(db, events.length);
      expect(mid).toBeLessThan(events.length);
      // The killed process held unacked messages: JetStream delivered them again to the new one
      // (delivery count > 1), and the exact counts above show the store kept each event once.
      expect(await counterTotal(`http://127.0.0.1:${port}`, 'cxpulse_events_redelivered_total')).toBeGreaterThan(0);
    } finally {
      // Drop only once the engine is gone: one still stopping would write again and make the database anew.
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      await db.drop();
    }
  });
});
