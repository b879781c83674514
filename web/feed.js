// Feed client shared by the wallboard and the agent panel: one WebSocket to /v1/feed with the
// page's ?token= passed through, reconnect with capped exponential backoff, and a status line.
// Protocol (README, "The live feed"): hello, one snapshot, then score messages; unknown types
// (cue, alert, later ones) are ignored on purpose so a newer engine does not break old pages.

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

/**
 * @param {{onHello?: (m: any) => void, onSnapshot: (events: any[]) => void, onScore: (event: any) => void, statusEl: HTMLElement}} handlers
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
      if (m.type === 'hello') {
        gotHello = true;
        delay = MIN_DELAY_MS;
        status('live', m.authenticated ? `live · ${m.role}` : 'live · open feed');
        handlers.onHello?.(m);
      } else if (m.type === 'snapshot' && Array.isArray(m.events)) handlers.onSnapshot(m.events);
      else if (m.type === 'score' && m.event) handlers.onScore(m.event);
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
