// Supervisor wallboard: everything is derived in the browser from the feed (score events, alerts
// and the snapshot), so a reload and a live stream give the same picture.
import { ago, clear, connectFeed, el, eventTime, fmtScore, kindText, pct, priorityClass, priorityRank, sentimentClass, throttled } from './feed.js';
import { bars, divergingBars, meterList, sparkline } from './charts.js';

const WINDOW_MIN = 15;
const MINUTE = 60_000;
const MAX_ROWS = 12;
const MAX_CHURN_ROWS = 8;
const CHANNELS = ['chat', 'email', 'call'];
// Bounded memory for a screen left open for weeks: ids are only needed to replace a resent event
// (a redelivery, a reconnect's snapshot) instead of counting it twice.
const MAX_SEEN = 20_000;
const MAX_CUSTOMERS = 5_000;
const MAX_ALERTS = 200;
const MAX_ACTION_ROWS = 8;
const MAX_ACTIONS = 500;
/** A resolved alert stays (faded) this long so the floor sees it end, then leaves the board. */
const RESOLVED_KEEP_MS = 60_000;
/** Churn risk is about the customer, not the conversation: kept longer than the 15-minute floor view. */
const CHURN_KEEP_MS = 60 * MINUTE;
/** Added to a conversation's risk by the urgency of its latest customer message. */
const URGENCY_RISK = { critical: 0.6, high: 0.3, normal: 0, low: -0.1 };
/** Weight of the customer's churn probability (0..1) in a conversation's risk. */
const CHURN_RISK = 0.8;

/** conversationId -> what the board shows about it. */
const conversations = new Map();
/** Per-minute buckets keyed by minute number: { total, byChannel: {ch: {n, sum, cust}}, langs, topics, custNeg, cust }. */
const minutes = new Map();
/** customerId -> latest churn risk seen on one of their messages. */
const customers = new Map();
/** alertId -> { alert, li, resolvedAt? }: one row per incident, updated in place. */
const alerts = new Map();
/** actionId -> the open next best action (a closed one leaves the board). */
const actions = new Map();
/** eventId -> what that event added to its minute bucket: the feed may resend an event, and the latest one per id counts. */
const seen = new Map();
const { schedule, now: render } = throttled(renderAll, 250);

const count = (obj, key, by = 1) => {
  if (typeof key !== 'string' || !key) return;
  obj[key] = (obj[key] ?? 0) + by;
  if (obj[key] <= 0) delete obj[key];
};

/** Adds one event to its minute bucket; returns what it added, so that a resend can take it back. */
function tally(e) {
  const m = Math.floor(eventTime(e) / MINUTE);
  let b = minutes.get(m);
  if (!b) minutes.set(m, (b = { total: 0, byChannel: {}, langs: {}, topics: {}, cust: 0, custNeg: 0 }));
  const score = e.sentiment?.score;
  const isCustomer = e.author === 'customer';
  // Sentiment and topics are about the customer's experience, so agent and system turns only count as volume.
  const added = {
    m,
    channel: e.channel,
    lang: e.lang,
    sentiment: isCustomer && typeof score === 'number' ? score : undefined,
    negative: e.sentiment?.label === 'negative',
    topic: isCustomer ? e.topic?.label : undefined,
  };
  b.total++;
  const ch = (b.byChannel[added.channel] ??= { n: 0, sum: 0, cust: 0 });
  ch.n++;
  count(b.langs, added.lang);
  if (added.sentiment !== undefined) {
    ch.sum += added.sentiment;
    ch.cust++;
    b.cust++;
    if (added.negative) b.custNeg++;
  }
  count(b.topics, added.topic);
  return added;
}

/** Takes back what tally added (its minute may have left the window already). */
function uncount(added) {
  const b = minutes.get(added.m);
  if (!b) return;
  b.total--;
  const ch = b.byChannel[added.channel];
  if (ch) ch.n--;
  count(b.langs, added.lang, -1);
  if (added.sentiment !== undefined && ch) {
    ch.sum -= added.sentiment;
    ch.cust--;
    b.cust--;
    if (added.negative) b.custNeg--;
  }
  count(b.topics, added.topic, -1);
}

function ingest(e) {
  if (!e || typeof e.id !== 'string') return;
  const before = seen.get(e.id);
  if (before) uncount(before);
  seen.delete(e.id);
  seen.set(e.id, tally(e));
  if (seen.size > MAX_SEEN) seen.delete(seen.keys().next().value);
  const t = eventTime(e);
  const isCustomer = e.author === 'customer';

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
  if (isCustomer) {
    if (typeof e.urgency?.label === 'string') c.urgency = e.urgency.label;
    if (typeof e.topic?.label === 'string') c.topic = e.topic.label;
    if (e.signals) c.politeNegative = e.signals.politeNegative === true;
  }
  if (isCustomer && Number.isFinite(e.churn?.probability)) ingestChurn(e, t, c);
  conversations.set(e.conversationId, c);
  schedule();
}

function ingestChurn(e, t, c) {
  c.churn = e.churn.probability;
  const top = Array.isArray(e.churn.factors) ? e.churn.factors.find((f) => typeof f?.text === 'string') : undefined;
  customers.delete(e.customerId);
  customers.set(e.customerId, { id: e.customerId, p: e.churn.probability, band: e.churn.band, reason: top?.text, conversationId: e.conversationId, lastMs: t });
  if (customers.size > MAX_CUSTOMERS) customers.delete(customers.keys().next().value);
}

/**
 * Risk: how bad the customer's latest turns are plus how fast they are getting worse. The last
 * turn weighs most, the mean of the recent turns steadies it, and a falling trend (slope per
 * turn, negative when worsening) adds to it; then the urgency of the latest customer message and
 * the customer's churn probability, when the engine sends them. Conversations without a scored
 * customer turn yet rank last.
 */
function risk(c) {
  if (c.recent.length === 0) return -Infinity;
  const last = c.recent[c.recent.length - 1];
  const mean = c.recent.reduce((a, v) => a + v, 0) / c.recent.length;
  const urgency = URGENCY_RISK[c.urgency] ?? 0;
  const churn = typeof c.churn === 'number' ? CHURN_RISK * c.churn : 0;
  return -(0.6 * last + 0.4 * mean) - 1.5 * c.trend + urgency + churn;
}

function onAlert(a) {
  const id = typeof a.alertId === 'string' ? a.alertId : `${a.kind}-${a.channel ?? ''}`;
  let row = alerts.get(id);
  if (!row) {
    if (a.status === 'resolved') return; // the end of an incident this screen never saw open
    row = { li: el('li', 'alert') };
    row.li.dataset.alertId = id;
    alerts.set(id, row);
  }
  row.alert = a;
  row.resolvedAt = a.status === 'resolved' ? Date.now() : undefined;
  fillAlert(row);
  if (alerts.size > MAX_ALERTS) alerts.delete(alerts.keys().next().value);
  schedule();
}

/** Rewrites one alert row's content; the row element itself stays, so it updates in place. */
function fillAlert(row) {
  const a = row.alert;
  const li = row.li;
  clear(li);
  li.className = `alert ${priorityClass(a.priority ?? a.severity ?? 'high')}${row.resolvedAt ? ' resolved' : ''}`;
  li.dataset.kind = a.kind;
  li.dataset.status = String(a.status ?? 'open');
  const head = el('div', 'alert-head');
  head.appendChild(el('span', 'badge kind', kindText(a.kind)));
  if (typeof a.channel === 'string') head.appendChild(el('span', `badge ch-${a.channel}`, a.channel));
  if (typeof a.conversationId === 'string') head.appendChild(el('span', 'meta', a.conversationId));
  head.appendChild(el('span', 'badge alert-status', row.resolvedAt ? 'resolved' : String(a.status ?? 'open')));
  const since = typeof a.openedAtMs === 'number' ? a.openedAtMs : a.tsMs;
  if (typeof since === 'number') head.appendChild(el('span', 'age', `since ${ago(Date.now() - since)}`));
  li.appendChild(head);
  li.appendChild(el('p', 'alert-text', typeof a.text === 'string' ? a.text : kindText(a.kind)));
}

function renderAlerts(now) {
  const list = document.getElementById('alerts');
  for (const [id, row] of alerts) if (row.resolvedAt && now - row.resolvedAt > RESOLVED_KEEP_MS) alerts.delete(id);
  const rank = (r) => (r.resolvedAt ? -1 : priorityRank(r.alert.priority ?? r.alert.severity ?? 'high'));
  const rows = [...alerts.values()].sort((a, b) => rank(b) - rank(a) || (b.alert.tsMs ?? 0) - (a.alert.tsMs ?? 0));
  // appendChild moves an existing row, so rows keep their element (and its fade) while re-ordering.
  for (const r of rows) list.appendChild(r.li);
  for (const li of [...list.children]) if (!alerts.has(li.dataset.alertId)) li.remove();
  const open = rows.filter((r) => !r.resolvedAt).length;
  document.getElementById('alerts-empty').hidden = rows.length > 0;
  document.getElementById('alerts-open').textContent = open ? String(open) : '';
}

function onAction(a) {
  if (a.status === 'open') actions.set(a.actionId, a);
  else actions.delete(a.actionId);
  if (actions.size > MAX_ACTIONS) actions.delete(actions.keys().next().value);
  schedule();
}

/** The engine's ranking (GET /v1/actions): critical first, then due now, then priority, then the earliest due. */
const actionOrder = (a, b) => Number(b.critical) - Number(a.critical) || Number(b.timing === 'now') - Number(a.timing === 'now') || b.priority - a.priority || a.dueMs - b.dueMs;

function dueText(a, now) {
  if (a.timing === 'now' || a.dueMs <= now) return 'now';
  return `due in ${ago(a.dueMs - now)}`;
}

function renderActions(now) {
  const rows = [...actions.values()].sort(actionOrder);
  const list = document.getElementById('actions');
  clear(list);
  for (const a of rows.slice(0, MAX_ACTION_ROWS)) {
    const li = el('li', `action ${priorityClass(a.critical ? 'critical' : a.priority >= 0.6 ? 'high' : 'medium')}`);
    li.dataset.actionId = a.actionId;
    const head = el('div', 'action-head');
    head.appendChild(el('span', 'badge kind', kindText(a.action)));
    head.appendChild(el('span', 'conv-id', a.customerId));
    if (typeof a.owner === 'string') head.appendChild(el('span', 'meta', a.owner));
    if (typeof a.churnProbability === 'number') head.appendChild(el('span', 'badge churn', `churn ${pct(a.churnProbability)}`));
    head.appendChild(el('span', 'age', dueText(a, now)));
    li.appendChild(head);
    li.appendChild(el('p', 'reason', typeof a.reason === 'string' ? a.reason : ''));
    list.appendChild(li);
  }
  document.getElementById('actions-empty').hidden = rows.length > 0;
  document.getElementById('actions-open').textContent = rows.length ? String(rows.length) : '';
}

/** The worklist as it stands (the feed only carries changes): supervisors' token, as the feed; absent when actions are off. */
async function loadActions() {
  const token = new URLSearchParams(location.search).get('token');
  try {
    const res = await fetch(`/v1/actions?limit=100${token ? `&token=${encodeURIComponent(token)}` : ''}`);
    if (!res.ok) return;
    const body = await res.json();
    for (const a of body.actions ?? []) if (!actions.has(a.actionId)) onAction(a);
  } catch {
    // The board works without actions; the feed still brings new ones.
  }
}

function renderChurn(now) {
  for (const [id, c] of customers) if (now - c.lastMs > CHURN_KEEP_MS) customers.delete(id);
  const top = [...customers.values()].sort((a, b) => b.p - a.p).slice(0, MAX_CHURN_ROWS);
  const list = document.getElementById('churn');
  clear(list);
  for (const c of top) {
    const li = el('li', `churn-row band-${['low', 'medium', 'high'].includes(c.band) ? c.band : 'medium'}`);
    li.dataset.customer = c.id;
    li.appendChild(el('span', 'churn-p', pct(c.p)));
    const who = el('span', 'who');
    who.appendChild(el('span', 'conv-id', c.id));
    who.appendChild(el('span', 'meta reason', c.reason ?? kindText(c.band)));
    li.appendChild(who);
    list.appendChild(li);
  }
  document.getElementById('churn-empty').hidden = top.length > 0;
}

function badge(text, cls) {
  return el('span', `badge ${cls}`, text);
}

/** What the engine's extra heads say about the conversation, under its id: only what was received. */
function signalBadges(c) {
  const badges = el('span', 'badges signals');
  if (c.urgency === 'high' || c.urgency === 'critical') badges.appendChild(badge(c.urgency, `urgency ${priorityClass(c.urgency)}`));
  if (c.politeNegative) badges.appendChild(badge('polite irritation', 'polite'));
  if (c.topic) badges.appendChild(badge(c.topic, 'topic'));
  if (typeof c.churn === 'number') badges.appendChild(badge(`churn ${pct(c.churn)}`, 'churn'));
  return badges.firstChild ? badges : undefined;
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
    const signals = signalBadges(c);
    if (signals) who.appendChild(signals);
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

/** Sums one per-minute tally (langs, topics) over the window, largest first. */
function top(field, n) {
  const counts = {};
  for (const b of minutes.values()) for (const [k, v] of Object.entries(b[field])) counts[k] = (counts[k] ?? 0) + v;
  return Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, n);
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

function prune(now) {
  const oldest = Math.floor(now / MINUTE) - WINDOW_MIN + 1;
  for (const k of minutes.keys()) if (k < oldest) minutes.delete(k);
  for (const [id, c] of conversations) if (now - c.lastMs > WINDOW_MIN * MINUTE) conversations.delete(id);
}

function renderAll() {
  const now = Date.now();
  prune(now);
  renderConversations(now);
  renderChannels(now);
  meterList(document.getElementById('languages'), top('langs', 6), 'lang');
  const topics = top('topics', 8);
  meterList(document.getElementById('topics'), topics, 'topic');
  document.getElementById('topics-empty').hidden = topics.length > 0;
  renderAlerts(now);
  renderActions(now);
  renderChurn(now);
  renderCounters(now);
}

connectFeed({
  statusEl: document.getElementById('status'),
  onSnapshot: (events, extra) => {
    for (const e of events) ingest(e);
    const open = new Set(extra.alerts.map((a) => a.alertId));
    // After a reconnect: an incident that ended while the socket was down is not in the list.
    if (extra.alertsKnown) for (const [id, r] of alerts) if (!r.resolvedAt && !open.has(id)) onAlert({ ...r.alert, status: 'resolved' });
    for (const a of extra.alerts) onAlert(a);
    render();
  },
  onScore: ingest,
  onAlert,
  onAction,
});
void loadActions();
// Ages and windows move even when the floor is quiet.
setInterval(render, 5000);
render();
