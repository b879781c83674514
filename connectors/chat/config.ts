import { DEFAULT_CHAT_WS_MAX_CONNECTIONS, DEFAULT_CHAT_WS_MAX_PENDING, type Config } from '../../engine/config/index.ts';

/** Chatwoot's own advice: refuse signed deliveries older than about five minutes (replays). */
export const DEFAULT_SIGNATURE_TOLERANCE_SEC = 300;

export interface ChatConfig {
  /**
   * HMAC-SHA256 secret for our generic shape: `X-Cxpulse-Signature: sha256=<hex of HMAC(secret,
   * raw body)>` (env `CXPULSE_CHAT_WEBHOOK_SECRET`). When any secret is set, unsigned requests are refused.
   */
  webhookSecret?: string;
  /** Chatwoot's per-webhook secret (env `CXPULSE_CHATWOOT_WEBHOOK_SECRET`); defaults to `webhookSecret`. */
  chatwootSecret?: string;
  /** Largest accepted age (and clock skew) of `X-Chatwoot-Timestamp`, in seconds. */
  signatureToleranceSec?: number;
  /** Token a chat widget must present on the WebSocket (`?token=` or `Authorization: Bearer`); env `CXPULSE_CHAT_WS_TOKEN`. */
  wsToken?: string;
  /** Widget sockets open at once (env `CXPULSE_CHAT_WS_MAX_CONNECTIONS`). */
  wsMaxConnections?: number;
  /** Frames one socket may have waiting before it is no longer read (env `CXPULSE_CHAT_WS_MAX_PENDING`). */
  wsMaxPending?: number;
}

export { DEFAULT_CHAT_WS_MAX_CONNECTIONS, DEFAULT_CHAT_WS_MAX_PENDING };

/** The chat settings from the engine's config (CXPULSE_CHAT_*, CXPULSE_CHATWOOT_WEBHOOK_SECRET). */
export function chatSettings(cfg: Config): ChatConfig {
  const settings: ChatConfig = {};
  if (cfg.CXPULSE_CHAT_WEBHOOK_SECRET) settings.webhookSecret = cfg.CXPULSE_CHAT_WEBHOOK_SECRET;
  if (cfg.CXPULSE_CHATWOOT_WEBHOOK_SECRET) settings.chatwootSecret = cfg.CXPULSE_CHATWOOT_WEBHOOK_SECRET;
  if (cfg.CXPULSE_CHAT_WS_TOKEN) settings.wsToken = cfg.CXPULSE_CHAT_WS_TOKEN;
  if (cfg.CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC !== undefined) settings.signatureToleranceSec = cfg.CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC;
  settings.wsMaxConnections = cfg.CXPULSE_CHAT_WS_MAX_CONNECTIONS;
  settings.wsMaxPending = cfg.CXPULSE_CHAT_WS_MAX_PENDING;
  return settings;
}
