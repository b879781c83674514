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
}

/** Reads `process.env`-style variables, or the engine's parsed config (values may be numbers). */
export function chatConfigFromEnv(env: Record<string, unknown> = process.env): ChatConfig {
  const get = (k: string) => (env[k] === undefined || env[k] === null || env[k] === '' ? undefined : String(env[k]));
  const cfg: ChatConfig = {};
  const secret = get('CXPULSE_CHAT_WEBHOOK_SECRET');
  if (secret) cfg.webhookSecret = secret;
  const chatwoot = get('CXPULSE_CHATWOOT_WEBHOOK_SECRET');
  if (chatwoot) cfg.chatwootSecret = chatwoot;
  const token = get('CXPULSE_CHAT_WS_TOKEN');
  if (token) cfg.wsToken = token;
  const tolerance = get('CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC');
  if (tolerance !== undefined) {
    const n = Number(tolerance);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`invalid CXPULSE_CHAT_SIGNATURE_TOLERANCE_SEC=${tolerance}: expected seconds > 0`);
    cfg.signatureToleranceSec = n;
  }
  return cfg;
}
