import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Defaults for a local machine: every setting can be left unset. */
export const DEFAULT_PORT = 8080;
/** A standalone connector (`cxpulse connector <name>`) beside an engine on 8080 must not take the same port. */
export const DEFAULT_CONNECTOR_PORT = 8081;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_CLICKHOUSE_DB = 'cxpulse';
export const DEFAULT_LOCAL_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_LOCAL_CLICKHOUSE_URL = 'http://127.0.0.1:8123';
export const DEFAULT_DATA_DIR = '.cxpulse';
export const DEFAULT_MAX_TEXT_BYTES = 32 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_BATCH_SIZE = 64;
export const DEFAULT_BATCH_LINGER_MS = 20;
export const DEFAULT_SINK_BATCH_SIZE = 500;
export const DEFAULT_SINK_LINGER_MS = 100;
export const DEFAULT_MAX_IN_FLIGHT = 1024;
export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_FEED_SNAPSHOT_SIZE = 200;
export const DEFAULT_FEED_QUEUE_SIZE = 1000;
export const DEFAULT_FEED_SLOW_GRACE_MS = 10_000;

const Int = (def: number, min = 1) => Type.Integer({ default: def, minimum: min });

/** Environment schema: validated at start so a typo fails fast with the variable's name. */
export const EnvSchema = Type.Object({
  PORT: Int(DEFAULT_PORT, 0),
  HOST: Type.String({ default: DEFAULT_HOST }),
  /** Unset: use NATS on 127.0.0.1:4222 if it answers, else the in-process bus. `memory`: force in-process. */
  NATS_URL: Type.Optional(Type.String()),
  /** Unset: use ClickHouse on 127.0.0.1:8123 if it answers, else the embedded file store. `file`: force embedded. */
  CLICKHOUSE_URL: Type.Optional(Type.String()),
  CLICKHOUSE_DB: Type.String({ default: DEFAULT_CLICKHOUSE_DB, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  CLICKHOUSE_USER: Type.Optional(Type.String()),
  CLICKHOUSE_PASSWORD: Type.Optional(Type.String()),
  CXPULSE_DATA_DIR: Type.String({ default: DEFAULT_DATA_DIR }),
  CXPULSE_MODEL_DIR: Type.Optional(Type.String()),
  /** 1: reload the model when manifest.json in CXPULSE_MODEL_DIR changes (engine/model/registry.ts). */
  CXPULSE_MODEL_WATCH: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  CXPULSE_TF_BACKEND: Type.Optional(Type.Union([Type.Literal('tensorflow'), Type.Literal('wasm'), Type.Literal('cpu')])),
  CXPULSE_STREAM: Type.String({ default: 'CX_EVENTS' }),
  CXPULSE_CONSUMER: Type.String({ default: 'cxpulse-engine' }),
  CXPULSE_MAX_TEXT_BYTES: Int(DEFAULT_MAX_TEXT_BYTES),
  CXPULSE_MAX_BODY_BYTES: Int(DEFAULT_MAX_BODY_BYTES),
  CXPULSE_BATCH_SIZE: Int(DEFAULT_BATCH_SIZE),
  CXPULSE_BATCH_LINGER_MS: Int(DEFAULT_BATCH_LINGER_MS, 0),
  CXPULSE_SINK_BATCH_SIZE: Int(DEFAULT_SINK_BATCH_SIZE),
  CXPULSE_SINK_LINGER_MS: Int(DEFAULT_SINK_LINGER_MS, 0),
  CXPULSE_MAX_IN_FLIGHT: Int(DEFAULT_MAX_IN_FLIGHT),
  /** Redelivery delay for messages taken but never acked (a crashed instance). */
  CXPULSE_ACK_WAIT_MS: Int(DEFAULT_ACK_WAIT_MS, 1000),
  /** Connectors run inside `cxpulse start` (connectors/README.md): a comma list of chat, calls, crm, email, or none; unset: every configured one. */
  CXPULSE_CONNECTORS: Type.Optional(Type.String()),
  CXPULSE_CHAT_WEBHOOK_SECRET: Type.Optional(Type.String()),
  CXPULSE_CHATWOOT_WEBHOOK_SECRET: Type.Optional(Type.String()),
  CXPULSE_CHAT_WS_TOKEN: Type.Optional(Type.String()),
  CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC: Type.Optional(Type.Integer({ minimum: 1 })),
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
  /** HS256 secret for feed tokens (README, "The live feed"). Unset: the feed is open to anyone who can reach it. */
  CXPULSE_JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
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
  // --- cues, alerts and reports (issue 5) ---
  /** Suggested-reply templates (JSON, topic x language x formal/informal); unset: engine/cues/replies.default.json. */
  CXPULSE_REPLIES_FILE: Type.Optional(Type.String()),
  /** Alerts are re-evaluated on every delivered batch and at this interval, so they open and resolve when traffic stops. */
  CXPULSE_ALERT_TICK_MS: Int(30_000, 100),
  /** Cues kept per conversation for the feed's snapshot on connect (0: none). */
  CXPULSE_FEED_SNAPSHOT_CUES: Int(10, 0),
  // --- end issue 5 ---
  // --- churn model and customer state (issue 3) ---
  /** `off`: no customer state and no churn risk on scored events. */
  CXPULSE_CHURN: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  /** Churn model folder (Telco part + stream.json); unset: models/churn. */
  CXPULSE_CHURN_MODEL_DIR: Type.Optional(Type.String()),
  /** JetStream KV bucket holding customer states when the engine runs on NATS. */
  CXPULSE_CHURN_KV_BUCKET: Type.String({ default: 'cxpulse-customers', pattern: '^[A-Za-z0-9_-]+$' }),
  /** Write-behind delay: changed customer states are written to the KV bucket this long after the first change. */
  CXPULSE_CHURN_FLUSH_MS: Int(1000, 10),
  // --- end issue 3 ---
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), {
    default: 'info',
  }),
});
export type Config = Static<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the configuration from environment variables (strings), converting and checking each one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const keys = Object.keys(EnvSchema.properties);
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (env[k] !== undefined && env[k] !== '') picked[k] = env[k];
  const withDefaults = Value.Default(EnvSchema, Value.Convert(EnvSchema, picked));
  const errors = [...Value.Errors(EnvSchema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.path.slice(1)}=${JSON.stringify(picked[e.path.slice(1)] ?? '')}: ${e.message}`);
    throw new ConfigError(`invalid configuration: ${[...new Set(lines)].join('; ')}`);
  }
  return withDefaults as Config;
}
