/**
 * One simulated conversation: `planConversation` fixes who speaks when (cheap, kept while the
 * conversation is open), `renderStep` writes the text of a step when it is due, so hours-long
 * e-mail threads do not hold their text in memory. Each conversation owns its RNG, which keeps
 * its content independent of how it interleaves with others.
 */
import { AGENT_NAMES, PRODUCTS } from './phrases/index.ts';
import type { Arc, PhraseBook, Topic } from './phrases/index.ts';
import type { CustomerProfile, PiiKind } from './profile.ts';
import type { Rng } from './rng.ts';
import { intBetween, pick, pickWeighted } from './rng.ts';

export type SimChannel = 'chat' | 'email' | 'call';
type Author = 'customer' | 'agent' | 'system';
type StepKind = 'open' | 'middle' | 'end' | 'callGreet' | 'respond' | 'hold' | 'transfer';

const SEC = 1000;
const MIN = 60 * SEC;
const ARC_WEIGHTS: Record<Arc, number> = {
  calm: 30, rising: 18, politeIrritated: 15, angry: 12, praise: 10, cancelThreat: 15,
};
/** Praise is its own arc, so it is not drawn here. */
const TOPIC_WEIGHTS: Partial<Record<Topic, number>> = {
  billing: 20, delivery: 20, technical: 20, usability: 10, account: 12, cancellation: 8, responseTime: 10,
};
const NEGATIVE_ARCS: ReadonlySet<Arc> = new Set(['rising', 'politeIrritated', 'angry', 'cancelThreat']);
/** Customer and agent turns per conversation; calls include the agent's greeting. */
const TURNS: Record<SimChannel, readonly [number, number]> = { chat: [2, 8], email: [2, 5], call: [4, 8] };
/** Delay before a turn, by channel and by who speaks next. */
const GAP_MS: Record<SimChannel, Record<'agent' | 'customer', readonly [number, number]>> = {
  chat: { agent: [15 * SEC, 2 * MIN], customer: [10 * SEC, 90 * SEC] },
  email: { agent: [3 * MIN, 45 * MIN], customer: [5 * MIN, 60 * MIN] },
  call: { agent: [4 * SEC, 30 * SEC], customer: [4 * SEC, 30 * SEC] },
};
/** Share of customer and agent messages carrying personal data to redact: about 5% of all events. */
export const PII_RATE = 0.052;
const CUSTOMER_PII_WEIGHTS: Record<PiiKind, number> = { email: 40, phone: 40, card: 20 };
const HOLD_RATE = 0.3;
const TRANSFER_WEIGHTS = { '0': 70, '1': 25, '2': 5 } as const;

export interface Step {
  author: Author;
  kind: StepKind;
  offsetMs: number;
  agentIndex: number;
  lastAgent?: boolean;
  pii?: PiiKind;
}

export interface Conversation {
  id: string;
  channel: SimChannel;
  book: PhraseBook;
  customer: CustomerProfile;
  arc: Arc;
  topic: Topic;
  startMs: number;
  steps: Step[];
  /** Index of the next step to emit. */
  next: number;
  subject?: string;
  callMeta?: { durationSec: number; holdSec: number; transfers: number };
  rng: Rng;
  slots: Record<string, string>;
  agentReplies: number;
  retentionOffered: boolean;
  /** Agent lines already said, so a follow-up does not repeat the same solution. */
  said: Set<string>;
}

export interface ConversationStart {
  id: string;
  channel: SimChannel;
  book: PhraseBook;
  customer: CustomerProfile;
  agentIndex: number;
  agents: number;
  startMs: number;
  rng: Rng;
}

export function planConversation(start: ConversationStart): Conversation {
  const { rng, channel, book, agents } = start;
  const arc = pickWeighted(rng, ARC_WEIGHTS);
  const topic: Topic = arc === 'praise' ? 'praise' : pickWeighted(rng, TOPIC_WEIGHTS);
  const turns = intBetween(rng, ...TURNS[channel]);
  const customerFirst = channel !== 'call'; // on the phone the agent answers first
  const roles = Array.from({ length: turns }, (_, i): 'customer' | 'agent' =>
    (i % 2 === 0) === customerFirst ? 'customer' : 'agent',
  );
  const customerTurns = roles.filter((r) => r === 'customer').length;
  const agentTurns = turns - customerTurns;

  const { holdAt, transferAt } = channel === 'call' ? callIncidents(rng, roles) : { holdAt: -1, transferAt: new Set<number>() };

  const steps: Step[] = [];
  let offsetMs = 0;
  let agentIndex = start.agentIndex;
  let holdSec = 0;
  let ci = 0;
  let ai = 0;
  roles.forEach((author, i) => {
    if (i > 0) offsetMs += intBetween(rng, ...GAP_MS[channel][author]);
    if (author === 'customer') {
      const kind = ci === 0 ? 'open' : ci === customerTurns - 1 ? 'end' : 'middle';
      steps.push({ author, kind, offsetMs, agentIndex, ...piiFor(rng, CUSTOMER_PII_WEIGHTS) });
      ci++;
      return;
    }
    if (i === holdAt) {
      const sec = intBetween(rng, 20, 180);
      steps.push({ author: 'system', kind: 'hold', offsetMs, agentIndex });
      offsetMs += sec * SEC;
      holdSec += sec;
    }
    if (transferAt.has(i)) {
      steps.push({ author: 'system', kind: 'transfer', offsetMs, agentIndex });
      if (agents > 1) agentIndex = (agentIndex + intBetween(rng, 1, agents - 1)) % agents;
      offsetMs += intBetween(rng, 10, 40) * SEC; // ringing on the next line
    }
    if (channel === 'call' && ai === 0) {
      steps.push({ author, kind: 'callGreet', offsetMs, agentIndex });
    } else {
      const lastAgent = ai === agentTurns - 1;
      steps.push({ author, kind: 'respond', offsetMs, agentIndex, lastAgent, ...piiFor(rng, { email: 1, phone: 1 }) });
    }
    ai++;
  });

  const slots: Record<string, string> = {
    order: `ORD-${intBetween(rng, 100000, 999999)}`,
    product: pick(rng, PRODUCTS),
    days: String(intBetween(rng, 2, 21)),
    amount: book.money(intBetween(rng, 990, 24990) / 100),
    name: start.customer.name,
  };
  const conv: Conversation = {
    id: start.id, channel, book, customer: start.customer, arc, topic, startMs: start.startMs,
    steps, next: 0, rng, slots, agentReplies: 0, retentionOffered: false, said: new Set(),
  };
  if (channel === 'email') conv.subject = fill(pick(rng, book.email.subjects[topic]), slots);
  if (channel === 'call') {
    const durationSec = Math.round(offsetMs / SEC) + intBetween(rng, 5, 20);
    conv.callMeta = { durationSec, holdSec, transfers: transferAt.size };
  }
  return conv;
}

/**
 * Picks the turns before which a call is put on hold or transferred. Both come between a
 * customer turn and the agent's answer; a hold fits best before the answer that solves, so it
 * skips the first answer when it can.
 */
function callIncidents(rng: Rng, roles: readonly string[]): { holdAt: number; transferAt: Set<number> } {
  const eligible = roles.flatMap((r, i) => (r === 'agent' && i > 0 ? [i] : []));
  const holdFrom = eligible.length > 1 ? eligible.slice(1) : eligible;
  const holdAt = holdFrom.length > 0 && rng() < HOLD_RATE ? pick(rng, holdFrom) : -1;
  const transfers = Math.min(Number(pickWeighted(rng, TRANSFER_WEIGHTS)), eligible.length);
  const transferAt = new Set<number>();
  const pool = [...eligible];
  while (transferAt.size < transfers) transferAt.add(pool.splice(intBetween(rng, 0, pool.length - 1), 1)[0] ?? -1);
  return { holdAt, transferAt };
}

function piiFor(rng: Rng, weights: Partial<Record<PiiKind, number>>): { pii?: PiiKind } {
  return rng() < PII_RATE ? { pii: pickWeighted(rng, weights) } : {};
}

export interface RenderedStep {
  text: string;
  subject?: string;
  meta: Record<string, unknown>;
}

/** Writes the text of `step`; call once per step, in order (it draws from the conversation's RNG). */
export function renderStep(conv: Conversation, step: Step, stepIndex: number): RenderedStep {
  const { book, rng, slots } = conv;
  slots.agent = AGENT_NAMES[step.agentIndex % AGENT_NAMES.length] ?? 'Alex';
  const lines = book.customer[conv.arc];
  let text: string;
  let greeted = false;
  switch (step.kind) {
    case 'open': {
      let template = pick(rng, lines.open);
      // In an e-mail the chat-style opener ("Hello! {issue}…") becomes the salutation line.
      if (conv.channel === 'email' && !template.startsWith('{issue}')) {
        const at = template.indexOf('{issue}');
        template = `${template.slice(0, at).trim()}\n\n${template.slice(at)}`;
        greeted = true;
      }
      text = fill(template, { ...slots, issue: fill(pick(rng, book.issues[conv.topic]), slots) });
      break;
    }
    case 'middle':
      text = fill(pick(rng, lines.middle), slots);
      break;
    case 'end':
      text = fill(pick(rng, lines.end), slots);
      break;
    case 'callGreet':
      text = fill(pick(rng, book.agent.callGreet), slots);
      break;
    case 'respond':
      text = agentReply(conv, step);
      break;
    case 'hold':
      text = pick(rng, book.call.hold);
      break;
    case 'transfer':
      text = pick(rng, book.call.transfer);
      break;
  }
  if (step.pii) text = `${text} ${piiSentence(conv, step.author, step.pii)}`;
  if (conv.channel === 'email') text = wrapEmail(conv, step.author, text, greeted);

  const sim: Record<string, unknown> = { arc: conv.arc, topic: conv.topic };
  if (step.pii) sim.pii = step.pii;
  const meta: Record<string, unknown> = { sim };
  if (conv.callMeta) Object.assign(meta, conv.callMeta, { offsetSec: Math.round(step.offsetMs / SEC) });
  const rendered: RenderedStep = { text, meta };
  if (conv.subject !== undefined) {
    rendered.subject = stepIndex === 0 ? conv.subject : `${book.email.replyPrefix}${conv.subject}`;
  }
  return rendered;
}

function agentReply(conv: Conversation, step: Step): string {
  const { book, rng, slots, arc } = conv;
  const first = conv.agentReplies++ === 0;
  const parts: string[] = [];
  if (first && NEGATIVE_ARCS.has(arc)) parts.push(pick(rng, book.agent.apologize));
  // Calls were greeted already and e-mails open with a salutation; only chat needs a hello.
  else if (first && conv.channel === 'chat') parts.push(pick(rng, book.agent.greet));

  if (first && !step.lastAgent && arc !== 'praise') {
    parts.push(pick(rng, book.agent.probe));
  } else {
    const fresh = book.agent.solve[conv.topic].filter((line) => !conv.said.has(line));
    const solution = pick(rng, fresh.length > 0 ? fresh : book.agent.apologize);
    conv.said.add(solution);
    parts.push(solution);
    const atRisk = arc === 'cancelThreat' || (arc === 'angry' && rng() < 0.4);
    if (atRisk && !conv.retentionOffered) {
      parts.push(pick(rng, book.agent.retain));
      conv.retentionOffered = true;
    }
  }
  if (step.lastAgent) parts.push(pick(rng, book.agent.close));
  return fill(parts.join(' '), slots);
}

function piiSentence(conv: Conversation, author: Author, kind: PiiKind): string {
  const { pii } = conv.book;
  const values = { email: conv.customer.email, phone: conv.customer.phone, card: conv.customer.card };
  if (author === 'agent') return fill(pick(conv.rng, kind === 'email' ? pii.agentEmail : pii.agentPhone), values);
  return fill(pick(conv.rng, pii[kind]), values);
}

function wrapEmail(conv: Conversation, author: Author, body: string, greeted: boolean): string {
  const { email } = conv.book;
  const { rng, slots } = conv;
  if (author === 'customer') {
    const greeting = greeted ? '' : `${pick(rng, email.customerGreeting)}\n\n`;
    return `${greeting}${body}\n\n${pick(rng, email.customerSignoff)}\n${slots.name}`;
  }
  if (author === 'agent') {
    return `${fill(pick(rng, email.agentGreeting), slots)}\n\n${body}\n\n${fill(pick(rng, email.agentSignoff), slots)}`;
  }
  return body;
}

/** Fills `{slot}` placeholders; an unknown slot is a bug in a phrase book, so it throws. */
export function fill(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = slots[key];
    if (value === undefined) throw new Error(`simulator: no value for slot {${key}} in "${template}"`);
    return value;
  });
}
