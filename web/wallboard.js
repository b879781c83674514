// Supervisor wallboard: everything is derived in the browser from the feed's score events, so
// a reload (snapshot) and a live stream give the same picture.
import { connectFeed, clear, el, eventTime, fmtScore, sentimentClass } from './feed.js';
import { bars, divergingBars, sparkline } from './charts.js';

const WINDOW_MIN = 15;
const MINUTE = 60_000;
const MAX_ROWS = 12;
const CHANNELS = ['chat', 'email', 'call'];
// Bounded memory for a screen left open for weeks: ids are only needed to drop a repeat after a reconnect.
const MAX_SEEN = 20_000;

/** conversationId -> what the board shows about it. */
const conversations = new Map();
/** Per-minute buckets keyed by minute number: { total, byChannel: {ch: {n, sum, cust}}, langs: {lang: n}, custNeg, cust }. */
const minutes = new Map();
const seen = new Set();

function ingest(e) {
  if (!e || typeof e.id !== 'string' || seen.has(e.id)) return;
  seen.add(e.id);
  if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value);
  const t = eventTime(e);
  const score = e.sentiment?.score;
  const isCustomer = e.author === 'customer';

  const m = Math.floor(t / MINUTE);
  let b = minutes.get(m);
  if (!b) minutes.set(m, (b = { total: 0, byChannel: {}, langs: {}, cust: 0, custNeg: 0 }));
  b.total++;
  const ch = (b.byChannel[e.channel] ??= { n: 0, sum: 0, cust: 0 });
  ch.n++;
  if (e.lang) b.langs[e.lang] = (b.langs[e.lang] ?? 0) + 1;
  // Sentiment figures are about the customer's experience, so agent and system turns only count as volume.
  if (isCustomer && typeof score === 'number') {
    ch.sum += score;
    ch.cust++;
    b.cust++;
    if (e.sentiment.label === 'negative') b.custNeg++;
  }

  const c = conversations.get(e.conversationId) ?? { id: e.conversationId, recent: [], trend: 0 };
  c.channel = e.channel;
  c.customerId = e.customerId;
  if (e.agentId) c.agentId = e.agentId;
  if (e.lang) c.lang = e.lang;
  c.lastMs = Math.max(c.lastMs ?? 0, t);
  if (e.conversation && Array.isArray(e.conversation.recent)) {
    c.recent = e.conversation.recent;
    c.trend = typeof e.conversation.trend === 'number' ? e.conversation.trend : 0;
    c.turns = e.conversation.turns;
  }
  conversations.set(e.conversationId, c);
  schedule();
}

/**
 * Risk: how bad the customer's latest turns are plus how fast they are getting worse. The last
 * turn weighs most, the mean of the recent turns steadies it, and a falling trend (slope per
 * turn, negative when worsening) adds to it. Conversations without a scored customer turn yet rank last.
 */
function risk(c) {
  if (c.recent.length === 0) return -Infinity;
  const last = c.recent[c.recent.length - 1];
  const mean = c.recent.reduce((a, v) => a + v, 0) / c.recent.length;
  return -(0.6 * last + 0.4 * mean) - 1.5 * c.trend;
}

function prune(now) {
  const oldest = Math.floor(now / MINUTE) - WINDOW_MIN + 1;
  for (const k of minutes.keys()) if (k < oldest) minutes.delete(k);
  for (const [id, c] of conversations) if (now - c.lastMs > WINDOW_MIN * MINUTE) conversations.delete(id);
}

const RENDER_EVERY_MS = 250;
let pending = false;
let lastRender = 0;
function schedule() {
  if (pending) return;
  pending = true;
  // At most one render per 250 ms, so a burst of events costs one render; the first event after
  // a quiet spell renders at once (leading edge) rather than waiting out the interval.
  setTimeout(() => {
    pending = false;
    render();
  }, Math.max(0, lastRender + RENDER_EVERY_MS - Date.now()));
}

function badge(text, cls) {
  return el('span', `badge ${cls}`, text);
}

function renderConversations(now) {
  const list = document.getElementById('conversations');
  const ranked = [...conversations.values()].sort((a, b) => risk(b) - risk(a) || b.lastMs - a.lastMs).slice(0, MAX_ROWS);
  clear(list);
  for (const c of ranked) {
    const li = el('li', 'conv');
    li.dataset.conversation = c.id;
    li.dataset.risk = risk(c).toFixed(3);
    const last = c.recent[c.recent.length - 1];
    li.appendChild(el('span', `score ${sentimentClass(last)}`, fmtScore(last)));
    li.appendChild(sparkline(c.recent));
    const who = el('span', 'who');
    who.appendChild(el('span', 'conv-id', c.id));
    who.appendChild(el('span', 'meta', `${c.customerId ?? ''}${c.agentId ? ' · ' + c.agentId : ' · unassigned'}`));
    li.appendChild(who);
    const badges = el('span', 'badges');
    badges.appendChild(badge(c.channel, `ch-${c.channel}`));
    badges.appendChild(badge(c.lang ?? '?', 'lang'));
    li.appendChild(badges);
    const arrow = c.trend <= -0.05 ? '▼' : c.trend >= 0.05 ? '▲' : '▶';
    li.appendChild(el('span', `trend ${c.trend <= -0.05 ? 'neg' : c.trend >= 0.05 ? 'pos' : 'neu'}`, `${arrow} ${fmtScore(c.trend)}`));
    li.appendChild(el('span', 'age', ago(now - c.lastMs)));
    list.appendChild(li);
  }
  document.getElementById('conv-empty').hidden = ranked.length > 0;
  document.getElementById('c-active').textContent = String(conversations.size);
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m`;
}

function renderChannels(now) {
  const root = document.getElementById('channels');
  const nowMin = Math.floor(now / MINUTE);
  const keys = Array.from({ length: WINDOW_MIN }, (_, i) => nowMin - WINDOW_MIN + 1 + i);
  clear(root);
  for (const ch of CHANNELS) {
    const counts = keys.map((k) => minutes.get(k)?.byChannel[ch]?.n ?? 0);
    const means = keys.map((k) => {
      const x = minutes.get(k)?.byChannel[ch];
      return x && x.cust > 0 ? x.sum / x.cust : null;
    });
    const total = counts.reduce((a, v) => a + v, 0);
    const known = means.filter((m) => m !== null);
    const row = el('div', 'channel');
    row.dataset.channel = ch;
    row.appendChild(badge(ch, `ch-${ch}`));
    row.appendChild(el('span', 'total', total));
    row.appendChild(bars(counts));
    row.appendChild(divergingBars(means));
    const mean = known.length ? known.reduce((a, v) => a + v, 0) / known.length : undefined;
    row.appendChild(el('span', `score ${sentimentClass(mean)}`, fmtScore(mean)));
    root.appendChild(row);
  }
}

function renderLanguages() {
  const counts = {};
  for (const b of minutes.values()) for (const [l, n] of Object.entries(b.langs)) counts[l] = (counts[l] ?? 0) + n;
  const top = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 6);
  const max = Math.max(1, ...top.map(([, n]) => n));
  const list = document.getElementById('languages');
  clear(list);
  for (const [lang, n] of top) {
    const li = el('li', 'lang-row');
    li.appendChild(el('span', 'badge lang', lang));
    const meter = el('meter');
    meter.max = max;
    meter.value = n;
    li.appendChild(meter);
    li.appendChild(el('span', 'total', n));
    list.appendChild(li);
  }
}

function renderCounters(now) {
  // "Events per minute" is the last full 60 s, not the current calendar minute, so it does not dip at :00.
  let lastMin = 0;
  let cust = 0;
  let neg = 0;
  const nowMin = Math.floor(now / MINUTE);
  for (const [k, b] of minutes) {
    cust += b.cust;
    neg += b.custNeg;
    if (k === nowMin) lastMin += b.total;
    else if (k === nowMin - 1) lastMin += Math.round(b.total * (1 - (now % MINUTE) / MINUTE));
  }
  document.getElementById('c-rate').textContent = String(lastMin);
  const negEl = document.getElementById('c-neg');
  negEl.textContent = cust ? `${Math.round((100 * neg) / cust)}%` : '–';
  negEl.className = `value ${cust && neg / cust >= 0.3 ? 'neg' : ''}`;
}

function render() {
  const now = Date.now();
  lastRender = now;
  prune(now);
  renderConversations(now);
  renderChannels(now);
  renderLanguages();
  renderCounters(now);
}

connectFeed({
  statusEl: document.getElementById('status'),
  onSnapshot: (events) => {
    for (const e of events) ingest(e);
    render();
  },
  onScore: ingest,
});
// Ages and windows move even when the floor is quiet.
setInterval(render, 5000);
render();
