// Agent panel for one conversation: ?conversation=<id>, or ?agent=<id> for that agent's most
// recent conversation (assignment as the engine does it: the latest event carrying an agentId).
// Once a conversation is chosen it stays, so a new chat cannot yank the screen away mid-reply.
import { connectFeed, clear, el, eventTime, fmtScore, labelClass, sentimentClass } from './feed.js';
import { sparkline } from './charts.js';

const params = new URLSearchParams(location.search);
const wantedAgent = params.get('agent');
let conversationId = params.get('conversation');
const MAX_MESSAGES = 200;
/** Conversations buffered while waiting for the agent's first one (a busy floor must not grow this without end). */
const MAX_PENDING = 500;
/** A slope per turn below this counts as falling (the engine's trend is in sentiment points per turn). */
const FALLING = -0.1;

/** conversationId -> agentId, kept until a conversation is chosen. */
const assigned = new Map();
const seen = new Set();
/** Events of the chosen conversation, plus a short buffer per conversation until one is chosen. */
const byConversation = new Map();
let latest;

function ingest(e) {
  if (!e || typeof e.id !== 'string' || seen.has(e.id)) return;
  seen.add(e.id);
  if (!conversationId) {
    // Buffer every conversation: its customer turns may arrive before the event naming the agent.
    if (e.agentId) assigned.set(e.conversationId, e.agentId);
    if (!byConversation.has(e.conversationId) && byConversation.size >= MAX_PENDING) {
      const oldest = byConversation.keys().next().value;
      byConversation.delete(oldest);
      assigned.delete(oldest);
    }
  } else if (e.conversationId !== conversationId) return;
  const list = byConversation.get(e.conversationId) ?? [];
  list.push(e);
  if (list.length > MAX_MESSAGES) list.shift();
  byConversation.set(e.conversationId, list);
}

/** Without ?conversation=, pick the (agent's) conversation with the newest event, once. */
function choose() {
  if (conversationId) return;
  let best;
  let bestT = -Infinity;
  for (const [id, list] of byConversation) {
    if (wantedAgent && assigned.get(id) !== wantedAgent) continue;
    const t = eventTime(list[list.length - 1]);
    if (t > bestT) {
      bestT = t;
      best = id;
    }
  }
  if (!best) return;
  conversationId = best;
  for (const id of byConversation.keys()) if (id !== best) byConversation.delete(id);
  assigned.clear();
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

function render() {
  choose();
  const events = (conversationId && byConversation.get(conversationId)) || [];
  const title = document.getElementById('conv-title');
  if (conversationId) title.textContent = conversationId;
  else title.textContent = wantedAgent ? `waiting for a conversation of ${wantedAgent}…` : 'waiting for a conversation…';
  const head = events[events.length - 1];
  if (head) {
    const agent = [...events].reverse().find((e) => e.agentId)?.agentId;
    document.getElementById('conv-meta').textContent = `${head.channel} · ${head.lang ?? '?'} · ${head.customerId}${agent ? ' · ' + agent : ''}`;
  }

  const list = document.getElementById('messages');
  clear(list);
  for (const e of events) {
    const li = el('li', `msg ${e.author}`);
    li.dataset.id = e.id;
    const meta = el('div', 'msg-meta');
    meta.appendChild(el('span', 'author', e.author));
    // When the message was written (the source's ts), which is what the agent talks about.
    meta.appendChild(el('span', 'time', time(typeof e.tsMs === 'number' ? e.tsMs : eventTime(e))));
    if (e.lang) meta.appendChild(el('span', 'badge lang', e.lang));
    const s = e.sentiment;
    if (s) meta.appendChild(el('span', `badge sent ${labelClass(s)}`, `${s.label} ${fmtScore(s.score)}`));
    li.appendChild(meta);
    // The customer's words go in as text only: they may contain markup, and it must stay inert.
    li.appendChild(el('p', 'text', e.text));
    list.appendChild(li);
  }
  document.getElementById('msg-empty').hidden = events.length > 0;
  if (events.length) list.lastElementChild?.scrollIntoView({ block: 'end' });

  // The newest event carries the conversation state (last customer turns and their slope).
  const withState = [...events].reverse().find((e) => e.conversation);
  latest = withState?.conversation;
  renderTrend();
  renderCues();
}

function renderTrend() {
  const box = document.getElementById('trend');
  clear(box);
  if (!latest) {
    box.appendChild(el('p', 'empty', 'No customer turns scored yet.'));
    return;
  }
  box.appendChild(sparkline(latest.recent ?? [], 'spark big', 300, 80));
  const t = latest.trend ?? 0;
  const row = el('div', 'trend-row');
  const last = latest.recent?.[latest.recent.length - 1];
  row.appendChild(el('span', `score ${sentimentClass(last)}`, fmtScore(last)));
  row.appendChild(el('span', `trend ${t <= -0.05 ? 'neg' : t >= 0.05 ? 'pos' : 'neu'}`, `${t <= -0.05 ? '▼ falling' : t >= 0.05 ? '▲ rising' : '▶ steady'} ${fmtScore(t)} / turn`));
  box.appendChild(row);
}

/** Consecutive falls at the end of the recent turns: "falling over the last N turns". */
function fallingTurns(recent) {
  let n = 0;
  for (let i = recent.length - 1; i > 0 && recent[i] < recent[i - 1]; i--) n++;
  return n === 0 ? 0 : n + 1;
}

function renderCues() {
  const ul = document.getElementById('cues');
  clear(ul);
  const add = (kind, text) => {
    const li = el('li', `cue ${kind}`, text);
    li.dataset.kind = kind;
    ul.appendChild(li);
  };
  if (!latest) return add('none', 'No cue yet.');
  const recent = latest.recent ?? [];
  const t = latest.trend ?? 0;
  const last = recent[recent.length - 1];
  const falls = fallingTurns(recent);
  if (recent.length >= 2 && t <= FALLING) add('falling', `Sentiment falling over the last ${Math.max(falls, 2)} customer turns (${fmtScore(t)} per turn).`);
  if (typeof last === 'number' && last <= -0.5) add('negative', `Latest customer message is strongly negative (${fmtScore(last)}).`);
  if (recent.length >= 2 && t >= -FALLING) add('rising', `Sentiment improving (${fmtScore(t)} per turn).`);
  if (!ul.firstChild) add('none', 'No cue: sentiment steady.');
}

connectFeed({
  statusEl: document.getElementById('status'),
  onSnapshot: (events) => {
    for (const e of events) ingest(e);
    render();
  },
  onScore: (e) => {
    ingest(e);
    render();
  },
});
render();
