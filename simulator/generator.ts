/**
 * The event stream: an endless, deterministic sequence of interleaved conversations.
 *
 * A discrete-event loop keeps the open conversations in a min-heap by the time of their next
 * turn. Traffic density is held near `eventsPerSec`: the n-th event is due by
 * `startMs + n / eventsPerSec`, and when no open conversation has a turn by then a new one
 * starts at that moment. Timestamps therefore never decrease and never run ahead of that pace.
 */
import type { SimChannel } from './conversation.ts';
import { planConversation, renderStep } from './conversation.ts';
import type { Conversation } from './conversation.ts';
import { PHRASE_BOOKS, SUPPORTED_LANGUAGES } from './phrases/index.ts';
import { customerProfile } from './profile.ts';
import type { CustomerProfile } from './profile.ts';
import { createRng, hash32, pickWeighted } from './rng.ts';
import type { RawEvent, SimulatorOptions } from './types.ts';
import { SIM_CHANNELS } from './types.ts';

export const DEFAULT_CUSTOMERS = 500;
export const DEFAULT_AGENTS = 25;
export const DEFAULT_EVENTS_PER_SEC = 5;
const CHANNEL_WEIGHTS: Record<SimChannel, number> = { chat: 50, email: 30, call: 20 };
/** Skews customer choice so that a few customers contact support again and again. */
const CUSTOMER_SKEW = 1.5;

export interface ResolvedOptions {
  seed: number;
  languages: string[];
  channels: SimChannel[];
  customers: number;
  agents: number;
  includeLang: boolean;
  startMs: number;
  eventsPerSec: number;
}

/** A random seed when none is given, so two demo runs do not reuse each other's event ids. */
export function resolveSeed(seed: number | undefined): number {
  if (seed === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`simulator: seed must be a non-negative integer, got ${seed}`);
  return seed;
}

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  const languages = subset('language', opts.languages, SUPPORTED_LANGUAGES);
  const channels = subset('channel', opts.channels, SIM_CHANNELS) as SimChannel[];
  return {
    seed: resolveSeed(opts.seed),
    languages,
    channels,
    customers: positiveInt('customers', opts.customers ?? DEFAULT_CUSTOMERS),
    agents: positiveInt('agents', opts.agents ?? DEFAULT_AGENTS),
    includeLang: opts.includeLang ?? false,
    startMs: finite('startMs', opts.startMs ?? Date.now()),
    eventsPerSec: positive('eventsPerSec', opts.eventsPerSec ?? DEFAULT_EVENTS_PER_SEC),
  };
}

export function* generateEvents(opts: SimulatorOptions = {}): Generator<RawEvent> {
  const cfg = resolveOptions(opts);
  const channelWeights: Partial<Record<SimChannel, number>> = Object.fromEntries(
    cfg.channels.map((c) => [c, CHANNEL_WEIGHTS[c]]),
  );
  const profiles = new Map<number, CustomerProfile>();
  const open = new ConversationHeap();
  const seedHash = hash32(cfg.seed);
  let started = 0;
  let lastTs = cfg.startMs;

  const startConversation = (atMs: number): void => {
    const rng = createRng(hash32(seedHash ^ started));
    const customerIndex = Math.floor(cfg.customers * rng() ** CUSTOMER_SKEW);
    let customer = profiles.get(customerIndex);
    if (!customer) {
      customer = customerProfile(customerIndex, cfg.languages, PHRASE_BOOKS);
      profiles.set(customerIndex, customer);
    }
    const book = PHRASE_BOOKS[customer.lang];
    if (!book) throw new Error(`simulator: no phrase book for "${customer.lang}"`);
    const conv = planConversation({
      id: `sim-${cfg.seed}-c${started}`,
      channel: pickWeighted(rng, channelWeights),
      book,
      customer,
      agentIndex: Math.floor(rng() * cfg.agents),
      agents: cfg.agents,
      startMs: atMs,
      rng,
    });
    started++;
    open.push(conv);
  };

  for (let n = 0; ; n++) {
    const dueBy = Math.round(cfg.startMs + (n * 1000) / cfg.eventsPerSec);
    let conv = open.peek();
    if (!conv || nextTs(conv) > dueBy) {
      startConversation(Math.max(lastTs, dueBy));
      conv = open.peek();
    }
    if (!conv) throw new Error('simulator: no conversation to emit from');
    const stepIndex = conv.next;
    const step = conv.steps[stepIndex];
    if (!step) throw new Error(`simulator: conversation ${conv.id} has no step ${stepIndex}`);
    const tsMs = conv.startMs + step.offsetMs;
    const { text, subject, meta } = renderStep(conv, step, stepIndex);

    open.pop();
    conv.next++;
    if (conv.next < conv.steps.length) open.push(conv);
    lastTs = tsMs;

    const ev: RawEvent = {
      id: `sim-${cfg.seed}-${n}`,
      channel: conv.channel,
      conversationId: conv.id,
      customerId: conv.customer.id,
      author: step.author,
      text,
      ts: new Date(tsMs).toISOString(),
      agentId: agentId(step.agentIndex),
    };
    if (cfg.includeLang) ev.lang = conv.book.lang;
    if (subject !== undefined) ev.subject = subject;
    ev.meta = meta;
    yield ev;
  }
}

export function takeEvents(n: number, opts: SimulatorOptions = {}): RawEvent[] {
  const out: RawEvent[] = [];
  if (n <= 0) return out;
  for (const ev of generateEvents(opts)) {
    out.push(ev);
    if (out.length >= n) break;
  }
  return out;
}

export function agentId(index: number): string {
  return `agent-${String(index + 1).padStart(3, '0')}`;
}

function nextTs(conv: Conversation): number {
  return conv.startMs + (conv.steps[conv.next]?.offsetMs ?? Infinity);
}

/** Binary min-heap by next-turn time; ties go to the older conversation so order is stable. */
class ConversationHeap {
  private readonly items: { ts: number; order: number; conv: Conversation }[] = [];
  private pushes = 0;

  peek(): Conversation | undefined {
    return this.items[0]?.conv;
  }

  push(conv: Conversation): void {
    const items = this.items;
    items.push({ ts: nextTs(conv), order: this.pushes++, conv });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const items = this.items;
    const last = items.pop();
    if (!last || items.length === 0) return;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < items.length && this.less(l, min)) min = l;
      if (r < items.length && this.less(r, min)) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a];
    const y = this.items[b];
    if (!x || !y) return false;
    return x.ts < y.ts || (x.ts === y.ts && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const x = this.items[a];
    const y = this.items[b];
    if (x && y) [this.items[a], this.items[b]] = [y, x];
  }
}

function subset(what: string, given: readonly string[] | undefined, supported: readonly string[]): string[] {
  if (given === undefined) return [...supported];
  const unique = [...new Set(given.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))];
  const unknown = unique.filter((s) => !supported.includes(s));
  if (unknown.length > 0) {
    throw new RangeError(`simulator: unknown ${what} ${unknown.join(', ')} (supported: ${supported.join(', ')})`);
  }
  if (unique.length === 0) throw new RangeError(`simulator: at least one ${what} is needed`);
  return unique;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`simulator: ${name} must be a positive integer, got ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`simulator: ${name} must be a positive number, got ${value}`);
  return value;
}

function finite(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`simulator: ${name} must be a finite number, got ${value}`);
  return value;
}
