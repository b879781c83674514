import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Defaults for a local machine: every setting can be left unset. */
export { PACKAGE_ROOT, fromPackageRoot } from './paths.ts';
export { DEFAULT_LOCAL_NATS_URL, IN_PROCESS_NATS, describeNatsServers, natsServersOf, parseNatsServers } from './nats.ts';
import { ConfigError } from './errors.ts';
import { checkNatsUrl } from './nats.ts';

export const DEFAULT_PORT = 8080;
/** A standalone connector (`cxpulse connector <name>`) beside an engine on 8080 must not take the same port. */
export const DEFAULT_CONNECTOR_PORT = 8081;
/** Loopback: an engine reachable from elsewhere needs CXPULSE_JWT_SECRET (or CXPULSE_ALLOW_OPEN=1). */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_CLICKHOUSE_DB = 'cxpulse';
export const DEFAULT_LOCAL_CLICKHOUSE_URL = 'http://127.0.0.1:8123';
export const DEFAULT_DATA_DIR = '.cxpulse';
export const DEFAULT_MAX_TEXT_BYTES = 32 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_BATCH_SIZE = 64;
export const DEFAULT_BATCH_LINGER_MS = 20;
export const DEFAULT_SINK_BATCH_SIZE = 500;
export const DEFAULT_SINK_LINGER_MS = 100;
export const DEFAULT_SINK_CONCURRENCY = 2;
export const DEFAULT_MAX_IN_FLIGHT = 1024;
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** Deliveries of one message before it goes to the DLQ with its history. */
export const DEFAULT_MAX_DELIVER = 10;
/** Wait before delivery n + 1 after the n-th failed; the last value repeats (about 26 min over 10 deliveries). */
export const DEFAULT_REDELIVERY_BACKOFF_MS = '2000,10000,30000,60000,300000';
export const DEFAULT_FEED_SNAPSHOT_SIZE = 200;
export const DEFAULT_FEED_QUEUE_SIZE = 1000;
export const DEFAULT_FEED_SLOW_GRACE_MS = 10_000;
/** Raw events wait at most this long in CX_EVENTS, processed or not (0: no age limit). */
export const DEFAULT_EVENTS_MAX_AGE_HOURS = 24;
/** Dead letters (redacted) are kept this long. */
export const DEFAULT_DLQ_MAX_AGE_HOURS = 7 * 24;
/** Caps on one event's fields and one request's work (README, "Limits"). */
export const DEFAULT_MAX_ID_LENGTH = 256;
export const DEFAULT_MAX_SUBJECT_LENGTH = 1000;
export const DEFAULT_MAX_META_BYTES = 16 * 1024;
export const DEFAULT_MAX_META_KEY_LENGTH = 128;
export const DEFAULT_MAX_META_VALUE_LENGTH = 4096;
export const DEFAULT_MAX_BATCH_EVENTS = 1000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_RATE_LIMIT_MAX = 1000;
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 1000;
export const DEFAULT_FEED_MAX_CLIENTS = 1000;
export const DEFAULT_CHAT_WS_MAX_CONNECTIONS = 1000;
export const DEFAULT_CHAT_WS_MAX_PENDING = 64;
/** `live`: a scored event goes to the feed before its durable write; `durable`: after it. */
export const FEED_MODES = ['live', 'durable'] as const;
export type FeedMode = (typeof FEED_MODES)[number];
export const DEFAULT_FEED_MODE: FeedMode = 'live';
/** A hundred years: anything longer is a typo. */
export const MAX_RETENTION_DAYS = 36_500;

const Int = (def: number, min = 1) => Type.Integer({ default: def, minimum: min });

/** Environment schema: validated at start so a typo fails fast with the variable's name. */
export const EnvSchema = Type.Object({
  /** HTTP port (0: any free port). */
  PORT: Int(DEFAULT_PORT, 0),
  /** HTTP listen address. Anything but loopback needs CXPULSE_JWT_SECRET or CXPULSE_ALLOW_OPEN=1. */
  HOST: Type.String({ default: DEFAULT_HOST }),
  /** 1: serve on a non-loopback HOST without CXPULSE_JWT_SECRET (every route open to the network). */
  CXPULSE_ALLOW_OPEN: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  /** Port of a second listener with only /healthz, /readyz and /metrics (e.g. for Prometheus on an internal network); unset: they stay on PORT. */
  /**
   * `cxpulse start` exits with status 1 when events have not been processable for this long (the scoring pipeline
   * stopped on its own, or the bus or its consumer is away), so a supervisor (systemd, Docker's restart policy,
   * Kubernetes) restarts it; 0: never exit (readiness stays 503).
   */
  CXPULSE_EXIT_AFTER_FAILURE_MS: Int(60_000, 0),
  CXPULSE_OPS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /**
   * NATS server, or a comma list of a NATS cluster's servers (nats://host:port, tls://host:port or host:port each).
   * Unset: NATS on 127.0.0.1:4222 if it answers, else the in-process bus. `memory`: force in-process.
   */
  NATS_URL: Type.Optional(Type.String()),
  /** Unset: use ClickHouse on 127.0.0.1:8123 if it answers, else the embedded file store. `file`: force embedded. */
  CLICKHOUSE_URL: Type.Optional(Type.String()),
  /** Database holding the tables; created at start with them. */
  CLICKHOUSE_DB: Type.String({ default: DEFAULT_CLICKHOUSE_DB, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  /** ClickHouse credentials; unset: the client's `default` user. */
  CLICKHOUSE_USER: Type.Optional(Type.String()),
  CLICKHOUSE_PASSWORD: Type.Optional(Type.String()),
  /**
   * A cluster in the ClickHouse servers' remote_servers: each engine then also makes `<table>_all` Distributed tables
   * over it (reading every shard) beside its own tables, and `cxpulse report` reads them. Unset: no Distributed tables.
   */
  CXPULSE_CLICKHOUSE_CLUSTER: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' })),
  /** Drop rows this many days after their event time (a TTL; ClickHouse 19.6+). Unset: keep forever. */
  CLICKHOUSE_RETENTION_DAYS: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RETENTION_DAYS })),
  /** Embedded file store (`store/`) and the in-process bus's DLQ file. */
  CXPULSE_DATA_DIR: Type.String({ default: DEFAULT_DATA_DIR }),
  /** Text model folder; unset: models/sentiment. */
  CXPULSE_MODEL_DIR: Type.Optional(Type.String()),
  /**
   * Added to the sentiment model's negative logit (-3..3): above 0 more messages are called negative (higher negative
   * recall, lower precision), for deployments whose traffic is mostly complaints; the model card shows the trade-off.
   */
  CXPULSE_SENTIMENT_NEGATIVE_BIAS: Type.Number({ default: 0, minimum: -3, maximum: 3 }),
  /** 1: reload the model when manifest.json in CXPULSE_MODEL_DIR changes (engine/model/registry.ts). */
  CXPULSE_MODEL_WATCH: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  /** TF.js backend to try first; unset: tensorflow (tfjs-node, when installed), wasm, cpu in that order. */
  CXPULSE_TF_BACKEND: Type.Optional(Type.Union([Type.Literal('tensorflow'), Type.Literal('wasm'), Type.Literal('cpu')])),
  /** JetStream stream of the inbound events. */
  CXPULSE_STREAM: Type.String({ default: 'CX_EVENTS' }),
  /** Durable consumer; instances sharing it share the work. */
  CXPULSE_CONSUMER: Type.String({ default: 'cxpulse-engine' }),
  /**
   * Partitions of CX_EVENTS (subjects `cx.events.<channel>.<k>`, k = hash of the customer id mod P);
   * the same on every instance and every publisher. 1: today's un-partitioned subjects and one consumer.
   */
  CXPULSE_PARTITIONS: Type.Integer({ default: 1, minimum: 1, maximum: 1024 }),
  /** Engine instances sharing the stream (each owns the partitions k with k % N == its index). */
  CXPULSE_INSTANCES: Type.Integer({ default: 1, minimum: 1, maximum: 1024 }),
  /** This instance's index, 0..CXPULSE_INSTANCES-1, or a StatefulSet pod name ending in it (`cxpulse-2`). */
  CXPULSE_INSTANCE: Type.String({ default: '0', pattern: '^(.*-)?[0-9]+$' }),
  /** When CX_EVENTS removes a message: `workqueue` once the engine acked it, `interest` once every consumer did, `limits` by age only (README, "Privacy"). */
  CXPULSE_EVENTS_RETENTION: Type.Union([Type.Literal('workqueue'), Type.Literal('interest'), Type.Literal('limits')], { default: 'workqueue' }),
  /** Oldest raw event CX_EVENTS keeps, processed or not (the stream's max_age; 0: no limit). */
  CXPULSE_EVENTS_MAX_AGE_HOURS: Type.Integer({ default: DEFAULT_EVENTS_MAX_AGE_HOURS, minimum: 0, maximum: MAX_RETENTION_DAYS * 24 }),
  /**
   * Replicas of the JetStream streams the engine creates (CX_EVENTS, CX_DLQ, the customer-state bucket), 1..5 (a
   * JetStream cluster of at least that many servers). Unset: new streams get 1 and existing ones keep their count.
   */
  CXPULSE_NATS_REPLICAS: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  /** Oldest (redacted) dead letter CX_DLQ keeps (0: no limit). */
  CXPULSE_DLQ_MAX_AGE_HOURS: Type.Integer({ default: DEFAULT_DLQ_MAX_AGE_HOURS, minimum: 0, maximum: MAX_RETENTION_DAYS * 24 }),
  /** Comma list of `meta` keys kept on events; unset: every key (values redacted either way). */
  CXPULSE_META_KEYS: Type.Optional(Type.String()),
  /** Key of the HMAC-SHA256 that pseudonymises customer ids (at least 32 characters). Unset: a key made once in $CXPULSE_DATA_DIR/pseudonym.key. */
  CXPULSE_PSEUDONYM_KEY: Type.Optional(Type.String({ minLength: 32 })),
  /** `off`: customer ids are kept as the sources send them. */
  CXPULSE_PSEUDONYMIZE: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** `off`: redact only the identifiers found for sure (e-mail, IBAN, national ids, cards, phones), not postal addresses and person names (a best effort: engine/privacy/README.md). */
  CXPULSE_REDACT_NAMES_ADDRESSES: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** Largest `text` accepted (UTF-8 bytes). */
  CXPULSE_MAX_TEXT_BYTES: Int(DEFAULT_MAX_TEXT_BYTES),
  /** Largest HTTP body accepted. */
  CXPULSE_MAX_BODY_BYTES: Int(DEFAULT_MAX_BODY_BYTES),
  /** Longest `id`, `conversationId`, `customerId`, `agentId` (characters). */
  CXPULSE_MAX_ID_LENGTH: Int(DEFAULT_MAX_ID_LENGTH),
  /** Longest e-mail `subject` (characters). */
  CXPULSE_MAX_SUBJECT_LENGTH: Int(DEFAULT_MAX_SUBJECT_LENGTH),
  /** Largest `meta` as JSON (UTF-8 bytes). */
  CXPULSE_MAX_META_BYTES: Int(DEFAULT_MAX_META_BYTES),
  /** Longest key in `meta` (characters, at any depth). */
  CXPULSE_MAX_META_KEY_LENGTH: Int(DEFAULT_MAX_META_KEY_LENGTH),
  /** Longest string value in `meta` (characters, at any depth). */
  CXPULSE_MAX_META_VALUE_LENGTH: Int(DEFAULT_MAX_META_VALUE_LENGTH),
  /** Most events in one request (POST /v1/events array, CRM JSON array or CSV rows). */
  CXPULSE_MAX_BATCH_EVENTS: Int(DEFAULT_MAX_BATCH_EVENTS),
  /** A request must arrive whole within this (slow bodies are cut off with 408). */
  CXPULSE_REQUEST_TIMEOUT_MS: Int(DEFAULT_REQUEST_TIMEOUT_MS, 1000),
  /** Ingest requests (events, connector routes) per route and token subject, or per route and client address without one, in each window; 0: no limit. */
  CXPULSE_RATE_LIMIT_MAX: Int(DEFAULT_RATE_LIMIT_MAX, 0),
  CXPULSE_RATE_LIMIT_WINDOW_MS: Int(DEFAULT_RATE_LIMIT_WINDOW_MS, 100),
  /** Scoring micro-batch: up to this many events per forward pass. */
  CXPULSE_BATCH_SIZE: Int(DEFAULT_BATCH_SIZE),
  /** How long a started scoring batch waits to fill up. */
  CXPULSE_BATCH_LINGER_MS: Int(DEFAULT_BATCH_LINGER_MS, 0),
  /** Store write batch: up to this many rows per insert. */
  CXPULSE_SINK_BATCH_SIZE: Int(DEFAULT_SINK_BATCH_SIZE),
  /** How long a started write batch waits to fill up. */
  CXPULSE_SINK_LINGER_MS: Int(DEFAULT_SINK_LINGER_MS, 0),
  /** Store inserts running at once; while every one is busy, the rows that wait go together in the next (up to CXPULSE_SINK_BATCH_SIZE). */
  CXPULSE_SINK_CONCURRENCY: Type.Integer({ default: DEFAULT_SINK_CONCURRENCY, minimum: 1, maximum: 16 }),
  /**
   * Worker threads that featurize and score micro-batches, each with its own copy of the model; unset: one fewer than
   * the cores (at least 1); 0: score on the main thread.
   */
  CXPULSE_WORKERS: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })),
  /** Events taken from the bus and not yet acked (also the consumer's max_ack_pending). */
  CXPULSE_MAX_IN_FLIGHT: Int(DEFAULT_MAX_IN_FLIGHT),
  /** Redelivery delay for messages taken but never acked (a crashed instance). */
  CXPULSE_ACK_WAIT_MS: Int(DEFAULT_ACK_WAIT_MS, 1000),
  /** Deliveries of one message (the consumer's max_deliver); after the last one it goes to cx.dlq with its history. */
  CXPULSE_MAX_DELIVER: Int(DEFAULT_MAX_DELIVER),
  /** Comma list of waits (ms) before each redelivery, the last repeating (the consumer's backoff). */
  CXPULSE_REDELIVERY_BACKOFF_MS: Type.String({ default: DEFAULT_REDELIVERY_BACKOFF_MS, pattern: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$' }),
  /** Connectors run inside `cxpulse start` (connectors/README.md): a comma list of chat, calls, crm, email, or none; unset: every configured one. */
  CXPULSE_CONNECTORS: Type.Optional(Type.String()),
  CXPULSE_CHAT_WEBHOOK_SECRET: Type.Optional(Type.String()),
  CXPULSE_CHATWOOT_WEBHOOK_SECRET: Type.Optional(Type.String()),
  CXPULSE_CHAT_WS_TOKEN: Type.Optional(Type.String()),
  CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Chat widget WebSockets open at once; more are refused with 503 before the upgrade. */
  CXPULSE_CHAT_WS_MAX_CONNECTIONS: Int(DEFAULT_CHAT_WS_MAX_CONNECTIONS),
  /** Frames one chat WebSocket may have waiting; at this many the socket is not read until they are handled. */
  CXPULSE_CHAT_WS_MAX_PENDING: Int(DEFAULT_CHAT_WS_MAX_PENDING),
  CXPULSE_CALLS_DIR: Type.Optional(Type.String()),
  CXPULSE_CALLS_SPEAKERS: Type.Optional(Type.String()),
  /** Set to run the IMAP connector inside `cxpulse start` (the other CXPULSE_IMAP_* in connectors/README.md). */
  CXPULSE_IMAP_HOST: Type.Optional(Type.String()),
  // --- e-mail connector and standalone connectors (connectors/README.md) ---
  /** Default 993 with CXPULSE_IMAP_SECURE, else 143. */
  CXPULSE_IMAP_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** true (default): TLS from the first byte; false: STARTTLS when offered. Also yes/no, on/off, 1/0. */
  CXPULSE_IMAP_SECURE: Type.Optional(Type.String()),
  CXPULSE_IMAP_USER: Type.Optional(Type.String()),
  CXPULSE_IMAP_PASS: Type.Optional(Type.String()),
  /** A file holding the password (a Docker or Kubernetes secret), instead of CXPULSE_IMAP_PASS. */
  CXPULSE_IMAP_PASS_FILE: Type.Optional(Type.String()),
  /** Comma list of folders to watch; default INBOX. */
  CXPULSE_IMAP_FOLDERS: Type.Optional(Type.String()),
  /** Where each folder's position is kept; default $CXPULSE_DATA_DIR/email. */
  CXPULSE_IMAP_STATE_DIR: Type.Optional(Type.String()),
  /** true: set \Seen on handled mail (default false: folders are opened read-only). */
  CXPULSE_IMAP_MARK_SEEN: Type.Optional(Type.String()),
  /** Comma list of agent addresses or domains (`@example.com`). */
  CXPULSE_IMAP_AGENT_ADDRESSES: Type.Optional(Type.String()),
  /** Fallback poll when IDLE is missing; default 60. */
  CXPULSE_IMAP_POLL_SECONDS: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Larger mail is not downloaded whole, only its header and text part; default 10 MiB. */
  CXPULSE_IMAP_MAX_MESSAGE_BYTES: Type.Optional(Type.Integer({ minimum: 1 })),
  /** First start on a folder: `all` (default) reads the mail already there, `new` only new mail. */
  CXPULSE_IMAP_INITIAL_SYNC: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('new')])),
  /** Port of `cxpulse connector <name>` (beside an engine on 8080). */
  CXPULSE_CONNECTOR_PORT: Int(DEFAULT_CONNECTOR_PORT, 0),
  // --- end connectors ---
  /** HS256 secret for the bearer tokens every route but the pages and ops routes then requires (README, "Roles"). Unset: open, loopback only. */
  CXPULSE_JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** When set, tokens must carry this `iss` claim. */
  CXPULSE_JWT_ISSUER: Type.Optional(Type.String()),
  /** When set, tokens must carry this `aud` claim (a string, or an array holding it). */
  CXPULSE_JWT_AUDIENCE: Type.Optional(Type.String()),
  /** Cue rules and alert thresholds (JSON); unset: engine/cues/rules.default.json. */
  CXPULSE_CUES_FILE: Type.Optional(Type.String()),
  /** Language of the agent UI for cue sentences (en, sv, nb, da, de; others fall back to en). */
  CXPULSE_AGENT_LANG: Type.String({ default: 'en' }),
  /** Recent scored events kept for the feed's `snapshot` on connect. */
  CXPULSE_FEED_SNAPSHOT_SIZE: Int(DEFAULT_FEED_SNAPSHOT_SIZE, 0),
  /** Messages queued per feed client before the oldest are dropped. */
  CXPULSE_FEED_QUEUE_SIZE: Int(DEFAULT_FEED_QUEUE_SIZE),
  /** A feed client whose queue stays full this long is closed (code 4008). */
  CXPULSE_FEED_SLOW_GRACE_MS: Int(DEFAULT_FEED_SLOW_GRACE_MS, 0),
  /** Feed WebSockets open at once; more are refused with 503 before the upgrade. */
  CXPULSE_FEED_MAX_CLIENTS: Int(DEFAULT_FEED_MAX_CLIENTS),
  /**
   * `live`: a scored event is sent to the feed as soon as it is scored, before the durable write (a redelivery may
   * resend it; clients keep the latest by id); `durable`: only once its row is stored. Cues and alerts, cx.scores and
   * the ack always wait for the write.
   */
  CXPULSE_FEED_MODE: Type.Union(FEED_MODES.map((m) => Type.Literal(m)), { default: DEFAULT_FEED_MODE }),
  // Cues, alerts and reports.
  /** Suggested-reply templates (JSON, topic x language x formal/informal); unset: engine/cues/replies.default.json. */
  CXPULSE_REPLIES_FILE: Type.Optional(Type.String()),
  /** Alerts are re-evaluated on every delivered batch and at this interval, so they open and resolve when traffic stops. */
  CXPULSE_ALERT_TICK_MS: Int(30_000, 100),
  /** Cues kept per conversation for the feed's snapshot on connect (0: none). */
  CXPULSE_FEED_SNAPSHOT_CUES: Int(10, 0),
  // Churn model and customer state.
  /** `off`: no customer state and no churn risk on scored events. */
  CXPULSE_CHURN: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** Churn model folder (Telco part + stream.json); unset: models/churn. */
  CXPULSE_CHURN_MODEL_DIR: Type.Optional(Type.String()),
  /** JetStream KV bucket holding customer states when the engine runs on NATS. */
  CXPULSE_CHURN_KV_BUCKET: Type.String({ default: 'cxpulse-customers', pattern: '^[A-Za-z0-9_-]+$' }),
  /** Write-behind delay: changed customer states are written to the KV bucket this long after the first change. */
  CXPULSE_CHURN_FLUSH_MS: Int(1000, 10),
  // Next best actions (engine/actions).
  /** `off`: no action recommendations (they also need CXPULSE_CHURN=on). */
  CXPULSE_ACTIONS: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** Action catalog (JSON: actions, eligibility, reasons in five languages, cool-downs, rhythm, timing, learning); unset: engine/actions/catalog.default.json. */
  CXPULSE_ACTIONS_FILE: Type.Optional(Type.String()),
  /** Share of customers (percent) who get no recommendation, so each action's uplift can be measured; critical actions are never held out. */
  CXPULSE_ACTIONS_HOLDOUT_PERCENT: Type.Number({ default: 10, minimum: 0, maximum: 50 }),
  /** Seed of the hold-out draw and the bandit, so a run can be replayed. */
  CXPULSE_ACTIONS_SEED: Type.Integer({ default: 1, minimum: 0 }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), {
    default: 'info',
  }),
});
export type Config = Static<typeof EnvSchema>;

export { ConfigError } from './errors.ts';

export type Env = Record<string, string | undefined>;

/** Set variables among `keys` (an empty value counts as unset). */
function pick(env: Env, keys: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (env[k] !== undefined && env[k] !== '') picked[k] = env[k];
  return picked;
}

function check<S extends TSchema>(schema: S, picked: Record<string, unknown>): Static<S> {
  const withDefaults = Value.Default(schema, Value.Convert(schema, picked));
  const errors = [...Value.Errors(schema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.path.slice(1)}=${JSON.stringify(picked[e.path.slice(1)] ?? '')}: ${e.message}`);
    throw new ConfigError(`invalid configuration: ${[...new Set(lines)].join('; ')}`);
  }
  return withDefaults as Static<S>;
}

/** The process environment with some variables replaced: for tools that start an engine with their own settings. */
export function environmentWith(overrides: Env): Env {
  return { ...process.env, ...overrides };
}

/** CXPULSE_REDELIVERY_BACKOFF_MS as numbers (the schema has checked its shape). */
export function redeliveryBackoffMs(cfg: Pick<Config, 'CXPULSE_REDELIVERY_BACKOFF_MS'>): number[] {
  return cfg.CXPULSE_REDELIVERY_BACKOFF_MS.split(',').map((v) => Number(v.trim()));
}

/** CXPULSE_WORKERS, or one fewer than the cores `cores` (at least 1) when unset. */
export function scoringWorkers(cfg: Pick<Config, 'CXPULSE_WORKERS'>, cores: number): number {
  return cfg.CXPULSE_WORKERS ?? Math.max(1, cores - 1);
}

/** Reads the configuration from environment variables (strings), converting and checking each one. */
export function loadConfig(env: Env = process.env): Config {
  const cfg = check(EnvSchema, pick(env, Object.keys(EnvSchema.properties)));
  checkNatsUrl(cfg.NATS_URL);
  scaleOf(cfg);
  return cfg;
}

/** How this instance shares CX_EVENTS with the others (CXPULSE_PARTITIONS, CXPULSE_INSTANCES, CXPULSE_INSTANCE). */
export interface Scale {
  partitions: number;
  instances: number;
  instance: number;
  /** The partitions this instance consumes: k with k % instances == instance. */
  owned: number[];
}

/** The three scale-out settings checked together; a ConfigError names the setting at fault. */
export function scaleOf(cfg: Pick<Config, 'CXPULSE_PARTITIONS' | 'CXPULSE_INSTANCES' | 'CXPULSE_INSTANCE'>): Scale {
  const { CXPULSE_PARTITIONS: partitions, CXPULSE_INSTANCES: instances } = cfg;
  // A StatefulSet pod's name ends in its ordinal (`cxpulse-2`): that is the index.
  const m = /(?:^|-)([0-9]+)$/.exec(cfg.CXPULSE_INSTANCE);
  if (!m) throw new ConfigError(`CXPULSE_INSTANCE=${JSON.stringify(cfg.CXPULSE_INSTANCE)}: expected an index (0..${instances - 1}) or a pod name ending in one, like cxpulse-2`);
  const instance = Number(m[1]);
  if (instance >= instances) {
    throw new ConfigError(`CXPULSE_INSTANCE=${JSON.stringify(cfg.CXPULSE_INSTANCE)} is instance ${instance}, but CXPULSE_INSTANCES=${instances} allows 0..${instances - 1}`);
  }
  if (partitions < instances) {
    throw new ConfigError(`CXPULSE_PARTITIONS=${partitions} is below CXPULSE_INSTANCES=${instances}: an instance would own no partition; set CXPULSE_PARTITIONS to at least ${instances} (a multiple of it shares the work evenly)`);
  }
  const owned: number[] = [];
  for (let k = instance; k < partitions; k += instances) owned.push(k);
  return { partitions, instances, instance, owned };
}

/**
 * One setting, converted and checked by its schema entry like loadConfig does, without checking
 * the others: for code that runs outside the engine (the CLI's commands, training, tools) and
 * needs a single setting.
 */
export function readSetting<K extends keyof Config>(key: K, env: Env = process.env): Config[K] {
  const schema = Type.Object({ [key]: EnvSchema.properties[key] });
  return (check(schema, pick(env, [key])) as Record<string, unknown>)[key] as Config[K];
}
