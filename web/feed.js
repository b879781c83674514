// Feed client shared by the wallboard and the agent panel: one WebSocket to /v1/feed with the
// page's ?token= passed through, reconnect with capped exponential backoff, and a status line.
// Protocol (README, "The live feed"): hello, one snapshot (events, and recent cues and open alerts
// when the engine sends them), then score, cue, alert and action messages. Unknown types are ignored on
// purpose, and a handler that throws on a malformed message is logged, not fatal, so a newer or
// buggy engine never takes the wall screen down.

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/** Reads the exp claim without verifying it: only to say "token expired" instead of a bare failed socket. */
function tokenExpiry(token) {
  try {
    const part = token.split('.')[1];
    if (!part) return undefined;
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json.exp === 'number' ? json.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** An object with a string `kind`: the least a cue or alert needs to be shown (rendered generically by kind). */
function isKinded(x) {
  return x !== null && typeof x === 'object' && typeof x.kind === 'string';
}

/** Snapshot cues come as `{conversationId, cue}` like the live message (bare cues accepted too); returned as cues carrying their conversationId. */
function snapshotCues(list) {
  if (!Array.isArray(list)) return [];
  const unwrap = (c) => (c && isKinded(c.cue) ? { ...c.cue, conversationId: typeof c.conversationId === 'string' ? c.conversationId : c.cue.conversationId } : c);
  return list.map(unwrap).filter(isKinded);
}

function snapshotAlerts(list) {
  return Array.isArray(list) ? list.map((a) => (a && isKinded(a.alert) ? a.alert : a)).filter(isKinded) : [];
}

/** Routes one parsed message to its handler; returns true for hello. */
function dispatch(m, handlers) {
  if (m.type === 'snapshot' && Array.isArray(m.events)) {
    // alertsKnown: the engine listed its open alerts, so any other one this page holds has ended.
    handlers.onSnapshot(m.events, { cues: snapshotCues(m.cues), alerts: snapshotAlerts(m.alerts), alertsKnown: Array.isArray(m.alerts) });
  } else if (m.type === 'score' && m.event) handlers.onScore(m.event);
  else if (m.type === 'cue' && isKinded(m.cue)) handlers.onCue?.(m.cue, typeof m.conversationId === 'string' ? m.conversationId : m.cue.conversationId);
  else if (m.type === 'alert' && isKinded(m.alert)) handlers.onAlert?.(m.alert);
  else if (m.type === 'action' && m.action && typeof m.action.actionId === 'string') handlers.onAction?.(m.action);
}

/**
 * @param {{onHello?: (m: any) => void, onSnapshot: (events: any[], extra: {cues: any[], alerts: any[], alertsKnown: boolean}) => void, onScore: (event: any) => void,
 *   onCue?: (cue: any, conversationId: string) => void, onAlert?: (alert: any) => void, onAction?: (action: any) => void, statusEl: HTMLElement}} handlers
 */
export function connectFeed(handlers) {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/feed${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  let delay = MIN_DELAY_MS;
  let timer;

  const status = (state, text) => {
    handlers.statusEl.dataset.state = state;
    handlers.statusEl.textContent = text;
  };

  const open = () => {
    if (token) {
      const exp = tokenExpiry(token);
      if (exp !== undefined && exp <= Date.now()) {
        // Retrying cannot help: the engine answers 401 until someone opens a fresh link.
        status('refused', 'token expired: open the page with a new ?token=');
        return;
      }
    }
    status('connecting', 'connecting…');
    const ws = new WebSocket(url);
    let gotHello = false;
    ws.onmessage = (msg) => {
      let m;
      try {
        m = JSON.parse(msg.data);
      } catch {
        return;
      }
      if (!m || typeof m !== 'object') return;
      if (m.type === 'hello') {
        gotHello = true;
        delay = MIN_DELAY_MS;
        status('live', m.authenticated ? `live · ${m.role}` : 'live · open feed');
        handlers.onHello?.(m);
        return;
      }
      try {
        dispatch(m, handlers);
      } catch (err) {
        // One odd message must not stop the ones after it; warn, so it shows in the console without alarming.
        console.warn(`cxpulse: ignored a ${String(m.type)} message the page could not render:`, err);
      }
    };
    ws.onclose = (ev) => {
      // 4008: we were too slow; the snapshot on reconnect refills the screen, so come back soon.
      const wait = ev.code === 4008 ? MIN_DELAY_MS : delay;
      // A socket that never said hello was refused or unreachable: back off harder each time.
      if (!gotHello || ev.code !== 4008) delay = Math.min(delay * 2, MAX_DELAY_MS);
      const jittered = Math.round(wait * (0.75 + Math.random() * 0.5));
      status('offline', `${gotHello ? 'disconnected' : 'cannot connect'} · retry in ${Math.ceil(jittered / 1000)} s`);
      clearTimeout(timer);
      timer = setTimeout(open, jittered);
    };
  };
  open();
}

/** Removes every child; used instead of innerHTML = '' so no code path ever assigns markup. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Creates an element with a class and text set through textContent (never parsed as HTML). */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

export function sentimentClass(score) {
  if (typeof score !== 'number') return 'neu';
  return score <= -0.2 ? 'neg' : score >= 0.2 ? 'pos' : 'neu';
}

/** Colour of a sentiment badge: the model's label when there is one, so "neutral" is never painted green. */
export function labelClass(sentiment) {
  if (!sentiment) return 'neu';
  if (sentiment.label === 'negative') return 'neg';
  if (sentiment.label === 'positive') return 'pos';
  if (sentiment.label === 'neutral') return 'neu';
  return sentimentClass(sentiment.score);
}

export function fmtScore(n) {
  return typeof n === 'number' ? (n >= 0 ? '+' : '−') + Math.abs(n).toFixed(2) : '–';
}

/** Engine receive time: the floor's clock, unlike ts, which is the source system's claim. */
export function eventTime(e) {
  return typeof e.receivedAtMs === 'number' ? e.receivedAtMs : e.tsMs;
}

/** A kind as words: `polite_irritation` -> `polite irritation`. New kinds read sensibly without code changes. */
export function kindText(kind) {
  return String(kind ?? '').replace(/_/g, ' ');
}

const PRIORITIES = ['low', 'medium', 'high', 'critical'];
/** CSS class of a priority or urgency; anything unknown is painted like `medium` rather than dropped. */
export function priorityClass(p) {
  return `prio-${PRIORITIES.includes(p) ? p : 'medium'}`;
}

/** Rank of a priority for sorting, higher is more urgent; unknown ranks as medium. */
export function priorityRank(p) {
  const i = PRIORITIES.indexOf(p);
  return i < 0 ? 1 : i;
}

export function pct(p) {
  return typeof p === 'number' && Number.isFinite(p) ? `${Math.round(p * 100)}%` : '–';
}

export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

/**
 * Render at most once per `ms`: a burst of messages costs one render, and the first message after
 * a quiet spell renders at once (leading edge) rather than waiting out the interval. `now()`
 * renders immediately (a snapshot, the clock tick) and restarts the interval.
 */
export function throttled(render, ms) {
  let pending = false;
  let last = 0;
  const now = () => {
    last = Date.now();
    render();
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      now();
    }, Math.max(0, last + ms - Date.now()));
  };
  return { schedule, now };
}
