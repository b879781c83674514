// Agent panel for one conversation: ?conversation=<id>, or ?agent=<id> for that agent's most
// recent conversation (assignment as the engine does it: the latest event carrying an agentId).
// Once a conversation is chosen it stays, so a new chat cannot yank the screen away mid-reply.
import { clear, connectFeed, el, eventTime, fmtScore, kindText, labelClass, priorityClass, sentimentClass } from './feed.js';
import { sparkline } from './charts.js';

const params = new URLSearchParams(location.search);
const wantedAgent = params.get('agent');
let conversationId = params.get('conversation');
const MAX_MESSAGES = 200;
/** Conversations buffered while waiting for the agent's first one (a busy floor must not grow this without end). */
const MAX_PENDING = 500;
/** Engine cues kept per conversation, newest last (older advice is stale anyway). */
const MAX_CUES = 50;

/** conversationId -> agentId, kept until a conversation is chosen. */
const assigned = new Map();
/** Events of the chosen conversation, plus a short buffer per conversation until one is chosen. */
const byConversation = new Map();
/** Engine cues per conversation, buffered like the events until one is chosen. */
const cuesByConversation = new Map();
let latest;

/** The feed may resend an event (a redelivery, a reconnect's snapshot): the latest one per id replaces the earlier in place. */
function ingest(e) {
  if (!e || typeof e.id !== 'string') return;
  if (!conversationId) {
    // Buffer every conversation: its customer turns may arrive before the event naming the agent.
    if (e.agentId) assigned.set(e.conversationId, e.agentId);
    if (!byConversation.has(e.conversationId) && byConversation.size >= MAX_PENDING) {
      const oldest = byConversation.keys().next().value;
      byConversation.delete(oldest);
      cuesByConversation.delete(oldest);
      assigned.delete(oldest);
    }
  } else if (e.conversationId !== conversationId) return;
  const list = byConversation.get(e.conversationId) ?? [];
  const at = list.findIndex((x) => x.id === e.id);
  if (at >= 0) list[at] = e;
  else list.push(e);
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
  for (const id of cuesByConversation.keys()) if (id !== best) cuesByConversation.delete(id);
  assigned.clear();
}

function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** Topic and emotion of one message as chips (only what the engine sent; nothing is guessed here). */
function chips(e) {
  const row = el('div', 'chips');
  if (typeof e.topic?.label === 'string') row.appendChild(el('span', 'chip topic', `topic: ${e.topic.label}`));
  const emotions = Array.isArray(e.emotion?.labels) ? e.emotion.labels.filter((l) => l !== 'neutral') : [];
  emotions.forEach((l, i) => row.appendChild(el('span', 'chip emotion', i === 0 && e.emotion.intensity ? `${l} · ${e.emotion.intensity}` : l)));
  return row.firstChild ? row : undefined;
}

function messageItem(e) {
  const li = el('li', `msg ${e.author}`);
  li.dataset.id = e.id;
  const meta = el('div', 'msg-meta');
  meta.appendChild(el('span', 'author', e.author));
  // When the message was written (the source's ts), which is what the agent talks about.
  meta.appendChild(el('span', 'time', time(typeof e.tsMs === 'number' ? e.tsMs : eventTime(e))));
  if (e.lang) meta.appendChild(el('span', 'badge lang', e.lang));
  const s = e.sentiment;
  if (s) meta.appendChild(el('span', `badge sent ${labelClass(s)}`, `${s.label} ${fmtScore(s.score)}`));
  // Urgency only when it asks for action; "normal" and "low" would be noise on every line.
  const u = e.urgency?.label;
  if (u === 'high' || u === 'critical') meta.appendChild(el('span', `badge urgency ${priorityClass(u)}`, `urgency ${u}`));
  if (e.signals?.politeNegative === true) meta.appendChild(el('span', 'badge polite', 'polite irritation'));
  li.appendChild(meta);
  // The customer's words go in as text only: they may contain markup, and it must stay inert.
  li.appendChild(el('p', 'text', e.text));
  if (e.signals?.politeNegative === true && typeof e.signals.evidence === 'string') li.appendChild(el('p', 'signal', e.signals.evidence));
  // Urgency raised by an implicit complaint says why ("repeated contact: \"third time\"").
  if (typeof e.urgency?.reason === 'string') li.appendChild(el('p', 'signal', e.urgency.reason));
  const c = chips(e);
  if (c) li.appendChild(c);
  return li;
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
  for (const e of events) list.appendChild(messageItem(e));
  document.getElementById('msg-empty').hidden = events.length > 0;
  if (events.length) list.lastElementChild?.scrollIntoView({ block: 'end' });

  // The newest event carries the conversation state (last customer turns and their slope).
  const withState = [...events].reverse().find((e) => e.conversation);
  latest = withState?.conversation;
  renderTrend();
  renderCues(events);
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

/** Keeps an engine cue for its conversation (before a conversation is chosen: for every one, bounded). */
function ingestCue(cue, convId) {
  if (typeof convId !== 'string') return;
  if (conversationId && convId !== conversationId) return;
  if (!conversationId) {
    if (typeof cue.agentId === 'string' && cue.agentId) assigned.set(convId, cue.agentId);
    if (!cuesByConversation.has(convId) && cuesByConversation.size >= MAX_PENDING) cuesByConversation.delete(cuesByConversation.keys().next().value);
  }
  const list = cuesByConversation.get(convId) ?? [];
  list.push(cue);
  if (list.length > MAX_CUES) list.shift();
  cuesByConversation.set(convId, list);
}

/** The sentence for the agent: in the agent UI's language, else the customer's, else the kind in words. */
function cueSentences(c) {
  const t = c.text;
  if (typeof t === 'string') return { main: t };
  const main = typeof t?.agent === 'string' ? t.agent : typeof t?.customer === 'string' ? t.customer : kindText(c.kind);
  // The customer-language sentence too when it differs: useful when the agent answers in that language.
  const alt = typeof t?.customer === 'string' && t.customer !== main ? `${t.customerLang ?? ''}: ${t.customer}` : undefined;
  return { main, alt };
}

/** Evidence as chips: each message the cue rests on (a short excerpt when the page has it) and its score. */
function evidenceRow(c, events) {
  const ids = Array.isArray(c.evidence?.eventIds) ? c.evidence.eventIds : [];
  const scores = Array.isArray(c.evidence?.scores) ? c.evidence.scores : [];
  const row = el('div', 'evidence');
  row.appendChild(el('span', 'label', 'evidence:'));
  ids.forEach((id, i) => {
    const text = events.find((e) => e.id === id)?.text;
    const excerpt = typeof text === 'string' ? (text.length > 40 ? `${text.slice(0, 40)}…` : text) : String(id);
    const chip = el('span', 'chip', `“${excerpt}” ${fmtScore(scores[i])}`);
    chip.dataset.eventId = String(id);
    row.appendChild(chip);
  });
  return ids.length ? row : undefined;
}

/**
 * A suggested reply with a copy button. Copying only puts the text on the clipboard: the agent
 * pastes and edits it; nothing is ever sent from this page. Without clipboard access (an http
 * page on another host) the text is selected instead, ready for Ctrl+C.
 */
function replyBox(reply) {
  const box = el('div', 'reply');
  const p = el('p', 'reply-text', reply.text);
  const meta = [reply.lang, reply.formality, reply.topic].filter((x) => typeof x === 'string').join(' · ');
  if (meta) p.title = meta;
  const btn = el('button', 'copy', 'copy');
  btn.type = 'button';
  btn.addEventListener('click', () => {
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents(p);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      btn.textContent = 'selected: Ctrl+C';
    };
    if (!navigator.clipboard) return select();
    navigator.clipboard.writeText(reply.text).then(() => (btn.textContent = 'copied'), select);
  });
  box.append(p, btn);
  return box;
}

function cueItem(c, events) {
  const li = el('li', `cue engine ${priorityClass(c.priority)}`);
  li.dataset.kind = String(c.kind);
  li.dataset.priority = String(c.priority ?? '');
  const head = el('div', 'cue-head');
  head.appendChild(el('span', `badge prio ${priorityClass(c.priority)}`, String(c.priority ?? 'cue')));
  head.appendChild(el('span', 'kind', kindText(c.kind)));
  if (typeof c.tsMs === 'number') head.appendChild(el('span', 'time', time(c.tsMs)));
  li.appendChild(head);
  const { main, alt } = cueSentences(c);
  li.appendChild(el('p', 'cue-text', main));
  if (alt) li.appendChild(el('p', 'cue-alt', alt));
  if (typeof c.reply?.text === 'string') li.appendChild(replyBox(c.reply));
  const ev = evidenceRow(c, events);
  if (ev) li.appendChild(ev);
  return li;
}

function renderCues(events) {
  const ul = document.getElementById('cues');
  clear(ul);
  const cues = (conversationId && cuesByConversation.get(conversationId)) || [];
  for (let i = cues.length - 1; i >= 0; i--) ul.appendChild(cueItem(cues[i], events));
  if (!cues.length) ul.appendChild(el('li', 'cue none', 'No cue from the engine yet for this conversation.'));
}

connectFeed({
  statusEl: document.getElementById('status'),
  onSnapshot: (events, extra) => {
    for (const e of events) ingest(e);
    for (const c of extra.cues) ingestCue(c, c.conversationId);
    render();
  },
  onScore: (e) => {
    ingest(e);
    render();
  },
  onCue: (cue, convId) => {
    ingestCue(cue, convId);
    render();
  },
});
render();
