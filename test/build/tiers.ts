/**
 * The two test tiers. The unit tier (npm run test:unit: vitest projects `unit` and
 * `unit-fresh`) needs no services and no build: no NATS, no ClickHouse, no Dovecot, no
 * Chromium, no network; engines in it run on the in-process bus and the embedded file store.
 * `integration` is everything else; `npm test` runs both.
 * Entries are test files or `folder/**`; every test file not listed here is a unit test.
 */
export const INTEGRATION_TESTS = [
  // Real servers: Chromium, the compiled engine in dist/, engines on NATS and ClickHouse.
  'test/browser/**',
  'test/build/dist.test.ts',
  'test/integration/**',
  // The compiled `cxpulse` command (bin/cxpulse.js runs dist/).
  'test/cli/**',
  // Real labelled data beside the clone (../shared/data), the one exception to "no ../shared" (the model-quality gates).
  'test/model/quality-gate.test.ts',
  'test/model/emotion-gate.test.ts',
  // NATS (a private nats-server per test).
  'test/churn/runtime.test.ts',
  'test/churn/stateStore.test.ts',
  'test/connectors/crm.test.ts',
  'test/connectors/publisher.test.ts',
  'test/connectors/chat-calls-e2e.test.ts',
  'test/bus/nats-maxdeliver.test.ts',
  'test/bus/nats-retention.test.ts',
  'test/bus/nats-partitions.test.ts',
  // Private nats-servers: NATS_URL lists and CXPULSE_NATS_REPLICAS on one server and a 3-server cluster.
  'test/integration/nats-cluster.test.ts',
  'test/integration/simulate-partitions.test.ts',
  'test/integration/start-failure.test.ts',
  // NATS (a private nats-server) and ClickHouse: the load kit's twin (npm run load) against a real engine.
  'test/bench/load.test.ts',
  // Dovecot (started per test) and NATS.
  'test/connectors/email-e2e.test.ts',
  'test/connectors/email-imap.test.ts',
  // ClickHouse on 127.0.0.1:8123.
  'test/grafana/sql.test.ts',
  'test/grafana/rollups.test.ts',
  'test/http/reports.test.ts',
  // NATS (a private nats-server) and ClickHouse: every route's roles against a real engine.
  'test/http/roles.test.ts',
  'test/report/report.test.ts',
  // ClickHouse on 127.0.0.1:8123: reports on a database without rollups (an older release's).
  'test/report/report-without-rollups.test.ts',
  'test/sinks/clickhouse.test.ts',
  'test/sinks/clickhouse-alerts.test.ts',
  'test/sinks/clickhouse-schema.test.ts',
  'test/sinks/clickhouse-upgrade.test.ts',
  'test/sinks/clickhouse-partitions.test.ts',
  'test/sinks/clickhouse-erase.test.ts',
  'test/sinks/clickhouse-retention.test.ts',
  // ClickHouse on 127.0.0.1:8123: the Distributed tables of the scale deployment.
  'test/deploy/clickhouse-distributed.test.ts',
  // helm (built by scripts/services-helm.sh with Go): lint and template the Helm chart.
  'test/deploy/helm.test.ts',
  'test/sinks/clickhouse-rollups.test.ts',
  // ClickHouse on 127.0.0.1:8123: CXPULSE_CLICKHOUSE_CLUSTER's Distributed tables over the default config's test clusters.
  'test/sinks/clickhouse-cluster.test.ts',
];

/**
 * Unit tests that need a process of their own: they check how TensorFlow.js's global backend
 * is chosen, which happens once per process. The other unit tests share one module graph.
 */
export const FRESH_PROCESS_TESTS = ['test/model/backend.test.ts', 'test/model/backend-env.test.ts'];

/** Whether a test file (path from the package root, `/`-separated) is in the integration tier. */
export function isIntegrationTest(file: string): boolean {
  return INTEGRATION_TESTS.some((p) => (p.endsWith('/**') ? file.startsWith(p.slice(0, -2)) : file === p));
}
