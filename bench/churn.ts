/**
 * What the churn stage costs per micro-batch: state update + one model call for 64 customer
 * messages, with states in memory and (if a NATS server answers) in a JetStream KV bucket, where
 * customers not cached yet cost one KV read each. Writes are behind, so they are not measured.
 *
 *   npx tsx bench/churn.ts [--batches 200] [--nats nats://127.0.0.1:4222]
 */
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { initBackend } from '../engine/model/index.ts';
import { DEFAULT_LOCAL_NATS_URL, parseNatsServers } from '../engine/config/index.ts';
import { loadChurnScorer, createStateStore, openKvBackend, streamFeatures, profileFeatures, createCustomerTracker, type StateBackend, type MessageObservation } from '../engine/churn/index.ts';

const { values } = parseArgs({ options: { batches: { type: 'string', default: '200' }, nats: { type: 'string', default: DEFAULT_LOCAL_NATS_URL } } });
const natsServers = parseNatsServers(values.nats, '--nats');
const BATCH = 64, CUSTOMERS = 2000, batches = Number(values.batches);
const backend = await initBackend();
const scorer = await loadChurnScorer();

async function run(label: string, kv: StateBackend | undefined): Promise<void> {
  const tracker = createCustomerTracker(createStateStore(kv, { flushMs: 1000 }));
  const times: number[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let b = 0; b < batches; b++) {
    const updates = Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i, c = n % CUSTOMERS;
      const observation: MessageObservation = { kind: 'message', id: `e${n}`, conversationId: `conv${c}-${n % 7}`, author: 'customer', tsMs: t0 + n * 60_000, negative: n % 3 === 0, escalated: false };
      return { customerId: `cust-${c}`, observation };
    });
    const start = performance.now();
    const states = await tracker.apply(updates);
    await scorer.score(states.map((s) => ({ profile: profileFeatures(s), stream: streamFeatures(s) })));
    times.push(performance.now() - start);
  }
  await tracker.store.close();
  times.sort((a, b) => a - b);
  const q = (p: number): string => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  console.log(`${label}: ${batches} batches of ${BATCH} (${CUSTOMERS} customers): per batch median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`);
}

console.log(`churn stage bench, TF.js backend ${backend}, model ${scorer.version}`);
await run('memory states', undefined);
const bucket = `cxpulse-bench-${process.pid}`;
try {
  const nc = await connect({ servers: natsServers, timeout: 1500 });
  await run(`nats kv states (${values.nats}, first sight of a customer = one KV read)`, await openKvBackend(nc, bucket));
  const admin = await connect({ servers: natsServers });
  await new Kvm(admin).create(bucket).then((kv) => kv.destroy());
  await admin.close();
} catch (e) {
  console.log(`nats kv: skipped (${(e as Error).message})`);
}
scorer.dispose();
