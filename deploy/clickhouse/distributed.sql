-- Read-only Distributed tables over the cxpulse tables of every shard of the cluster `cxpulse`
-- (deploy/clickhouse/cluster.xml). Each engine creates its own tables on the shard it writes to
-- (CLICKHOUSE_URL); run this once on the server you query, after the engines have started, and
-- again after an upgrade that adds columns (DROP TABLE the *_all tables first).
-- No sharding key: nothing is inserted through these tables.
-- Deduplicated reads: a redelivered event goes to the same partition, so to the same instance and
-- shard while the instance count is unchanged, and FINAL on each shard folds the copies, e.g.
--   SELECT count() FROM cxpulse.scored_events_all FINAL
CREATE TABLE IF NOT EXISTS cxpulse.scored_events_all AS cxpulse.scored_events ENGINE = Distributed(cxpulse, cxpulse, scored_events);
CREATE TABLE IF NOT EXISTS cxpulse.business_events_all AS cxpulse.business_events ENGINE = Distributed(cxpulse, cxpulse, business_events);
CREATE TABLE IF NOT EXISTS cxpulse.alerts_all AS cxpulse.alerts ENGINE = Distributed(cxpulse, cxpulse, alerts);
CREATE TABLE IF NOT EXISTS cxpulse.actions_all AS cxpulse.actions ENGINE = Distributed(cxpulse, cxpulse, actions);
