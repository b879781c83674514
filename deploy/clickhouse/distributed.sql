-- Read-only Distributed tables over the cxpulse tables, views and rollups of every shard of the
-- cluster `cxpulse` (deploy/clickhouse/cluster.xml). Engines started with
-- CXPULSE_CLICKHOUSE_CLUSTER=cxpulse make exactly these themselves (engine/sinks/clickhouse/
-- distributed.ts), beside their own tables on the shard they write to, and remake one whose
-- columns an upgrade changed. This file is for running by hand where engines run without that
-- setting: once on the server you query, after the engines have started, and again after an
-- upgrade that adds columns (DROP TABLE the *_all tables first).
-- No sharding key: nothing is inserted through these tables.
-- Deduplicated reads: a redelivered event goes to the same partition, so to the same instance and
-- shard while the instance count is unchanged, and FINAL on each shard folds the copies, e.g.
--   SELECT count() FROM cxpulse.scored_events_all FINAL
CREATE TABLE IF NOT EXISTS cxpulse.scored_events_all AS cxpulse.scored_events ENGINE = Distributed(cxpulse, cxpulse, scored_events);
CREATE TABLE IF NOT EXISTS cxpulse.scored_events_latest_all AS cxpulse.scored_events_latest ENGINE = Distributed(cxpulse, cxpulse, scored_events_latest);
CREATE TABLE IF NOT EXISTS cxpulse.business_events_all AS cxpulse.business_events ENGINE = Distributed(cxpulse, cxpulse, business_events);
CREATE TABLE IF NOT EXISTS cxpulse.business_events_latest_all AS cxpulse.business_events_latest ENGINE = Distributed(cxpulse, cxpulse, business_events_latest);
CREATE TABLE IF NOT EXISTS cxpulse.alerts_all AS cxpulse.alerts ENGINE = Distributed(cxpulse, cxpulse, alerts);
CREATE TABLE IF NOT EXISTS cxpulse.alerts_latest_all AS cxpulse.alerts_latest ENGINE = Distributed(cxpulse, cxpulse, alerts_latest);
CREATE TABLE IF NOT EXISTS cxpulse.actions_all AS cxpulse.actions ENGINE = Distributed(cxpulse, cxpulse, actions);
CREATE TABLE IF NOT EXISTS cxpulse.actions_latest_all AS cxpulse.actions_latest ENGINE = Distributed(cxpulse, cxpulse, actions_latest);
CREATE TABLE IF NOT EXISTS cxpulse.scored_events_by_minute_all AS cxpulse.scored_events_by_minute ENGINE = Distributed(cxpulse, cxpulse, scored_events_by_minute);
CREATE TABLE IF NOT EXISTS cxpulse.scored_events_by_customer_day_all AS cxpulse.scored_events_by_customer_day ENGINE = Distributed(cxpulse, cxpulse, scored_events_by_customer_day);
CREATE TABLE IF NOT EXISTS cxpulse.scored_events_by_conversation_day_all AS cxpulse.scored_events_by_conversation_day ENGINE = Distributed(cxpulse, cxpulse, scored_events_by_conversation_day);
