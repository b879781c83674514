import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../engine/event/index.ts';
import {
  ARCS,
  PHRASE_BOOKS,
  SUPPORTED_LANGUAGES,
  TOPICS,
  generateEvents,
  runSimulation,
  takeEvents,
} from '../../simulator/index.ts';
import type { RawEvent } from '../../simulator/index.ts';

const START = Date.UTC(2025, 2, 3, 8, 0, 0);
const events = takeEvents(5000, { seed: 42, startMs: START });
const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const CARD_RE = /\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/;

const sim = (ev: RawEvent): { arc: string; topic: string; pii?: string } =>
  (ev.meta as { sim: { arc: string; topic: string; pii?: string } }).sim;

function byConversation(list: readonly RawEvent[]): Map<string, RawEvent[]> {
  const out = new Map<string, RawEvent[]>();
  for (const ev of list) out.set(ev.conversationId, [...(out.get(ev.conversationId) ?? []), ev]);
  return out;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return sum % 10 === 0;
}

describe('generateEvents', () => {
  it('replays exactly the same events for the same seed and options', () => {
    expect(takeEvents(2000, { seed: 42, startMs: START })).toEqual(events.slice(0, 2000));
    expect(takeEvents(50, { seed: 43, startMs: START })).not.toEqual(events.slice(0, 50));
  });

  it('numbers event ids sim-<seed>-<n>, unique over 5,000 events', () => {
    expect(events.map((e) => e.id)).toEqual(events.map((_, n) => `sim-42-${n}`));
    expect(new Set(events.map((e) => e.id)).size).toBe(5000);
  });

  it('satisfies the event contract on every event', () => {
    for (const ev of events) {
      for (const key of ['id', 'conversationId', 'customerId', 'text', 'ts'] as const) {
        expect(typeof ev[key]).toBe('string');
        expect(ev[key].length).toBeGreaterThan(0);
      }
      expect(['chat', 'email', 'call']).toContain(ev.channel);
      expect(['customer', 'agent', 'system']).toContain(ev.author);
      expect(new Date(Date.parse(ev.ts)).toISOString()).toBe(ev.ts);
      expect(ev.agentId).toMatch(/^agent-\d{3}$/);
      expect(ev.lang).toBeUndefined(); // the engine has to detect it unless includeLang is set
      expect(ev.text).not.toMatch(/\{\w+\}/); // every slot filled
      expect(ev.subject !== undefined).toBe(ev.channel === 'email');
      expect(validateEvent(ev, { maxTextBytes: 32_768 })).toMatchObject({ ok: true });
    }
  });

  it('moves time forward from startMs and never backwards', () => {
    expect(events[0]?.ts).toBe(new Date(START).toISOString());
    const times = events.map((e) => Date.parse(e.ts));
    times.slice(1).forEach((t, i) => expect(t).toBeGreaterThanOrEqual(times[i] ?? Infinity));
    // Default density is 5 events per simulated second.
    expect((times.at(-1) ?? 0) - START).toBeLessThanOrEqual(1000 * 1000);
  });

  it('covers all five languages, three channels, every arc and topic', () => {
    const withLang = takeEvents(5000, { seed: 42, startMs: START, includeLang: true });
    expect(new Set(withLang.map((e) => e.lang))).toEqual(new Set(['en', 'sv', 'nb', 'da', 'de']));
    expect(new Set(events.map((e) => e.channel))).toEqual(new Set(['chat', 'email', 'call']));
    expect(new Set(events.map((e) => sim(e).arc))).toEqual(new Set(ARCS));
    expect(new Set(events.map((e) => sim(e).topic))).toEqual(new Set(TOPICS));
    // Apart from lang, the same seed gives the same traffic.
    expect(withLang.map(({ lang: _, ...rest }) => rest)).toEqual(events);
  });

  it('keeps to the languages and channels asked for, and rejects unknown ones', () => {
    const some = takeEvents(500, { seed: 1, startMs: START, languages: ['sv', 'NB'], channels: ['email'], includeLang: true });
    expect(new Set(some.map((e) => e.lang))).toEqual(new Set(['sv', 'nb']));
    expect(new Set(some.map((e) => e.channel))).toEqual(new Set(['email']));
    expect(() => takeEvents(1, { languages: ['fr'] })).toThrow(/unknown language fr/);
    expect(() => takeEvents(1, { channels: ['fax'] })).toThrow(/unknown channel fax/);
    expect(() => takeEvents(1, { customers: 0 })).toThrow(RangeError);
  });

  it('interleaves conversations: many are open at once', () => {
    const lastIndex = new Map<string, number>();
    events.forEach((e, i) => lastIndex.set(e.conversationId, i));
    const openAt = new Set<string>();
    let maxOpen = 0;
    events.forEach((e, i) => {
      openAt.add(e.conversationId);
      maxOpen = Math.max(maxOpen, openAt.size);
      if (lastIndex.get(e.conversationId) === i) openAt.delete(e.conversationId);
    });
    expect(maxOpen).toBeGreaterThan(10);
    const gaps = [...byConversation(events).values()].filter((list) => {
      const idx = list.map((e) => events.indexOf(e));
      return (idx.at(-1) ?? 0) - (idx[0] ?? 0) + 1 > list.length;
    });
    expect(gaps.length).toBeGreaterThan(100);
  });

  it('writes believable conversations: one customer, alternating turns, 2 to 8 of them', () => {
    for (const list of byConversation(events).values()) {
      const first = list[0];
      if (!first) continue;
      expect(new Set(list.map((e) => e.customerId)).size).toBe(1);
      expect(new Set(list.map((e) => e.channel)).size).toBe(1);
      const turns = list.filter((e) => e.author !== 'system');
      expect(turns.length).toBeLessThanOrEqual(8);
      turns.slice(1).forEach((e, i) => expect(e.author).not.toBe(turns[i]?.author));
      expect(first.author).toBe(first.channel === 'call' ? 'agent' : 'customer');
      // The agent only changes when a call is transferred.
      const transfers = list.filter((e) => e.author === 'system' && /transf|koppl|satt over|viderestill|weitergeleitet/i.test(e.text));
      expect(new Set(list.map((e) => e.agentId)).size).toBeLessThanOrEqual(1 + transfers.length);
    }
  });

  it('gives e-mails a subject, "Re:"-style on replies, and a greeting and sign-off', () => {
    const threads = [...byConversation(events).values()].filter((l) => l[0]?.channel === 'email');
    expect(threads.length).toBeGreaterThan(20);
    for (const thread of threads) {
      const [first, ...replies] = thread;
      expect(first?.subject).toMatch(/\S/);
      for (const reply of replies) expect(reply.subject).toMatch(/^(Re|SV|AW): /);
      for (const mail of thread) expect(mail.text.split('\n\n').length).toBeGreaterThanOrEqual(3);
    }
  });

  it('logs calls with duration, hold time and transfers', () => {
    const calls = events.filter((e) => e.channel === 'call');
    for (const call of calls) {
      expect(call.meta).toMatchObject({
        durationSec: expect.any(Number),
        holdSec: expect.any(Number),
        transfers: expect.any(Number),
      });
    }
    expect(calls.some((c) => (c.meta?.holdSec as number) > 0)).toBe(true);
    expect(calls.some((c) => (c.meta?.transfers as number) > 0)).toBe(true);
  });

  it('puts personal data in roughly 5% of messages, and only where flagged', () => {
    const flagged = events.filter((e) => sim(e).pii !== undefined);
    expect(flagged.length / events.length).toBeGreaterThan(0.035);
    expect(flagged.length / events.length).toBeLessThan(0.07);
    expect(new Set(flagged.map((e) => sim(e).pii))).toEqual(new Set(['email', 'phone', 'card']));
    for (const ev of flagged) {
      const kind = sim(ev).pii;
      if (kind === 'email') expect(ev.text).toMatch(EMAIL_RE);
      if (kind === 'phone') {
        const phone = /\+?\d[\d ()-]{6,}\d/.exec(ev.text)?.[0] ?? '';
        expect(phone.replace(/\D/g, '').length).toBeGreaterThanOrEqual(8);
      }
      if (kind === 'card') {
        const card = CARD_RE.exec(ev.text)?.[0] ?? '';
        expect(luhnValid(card.replace(/\D/g, ''))).toBe(true);
      }
    }
    for (const ev of events.filter((e) => sim(e).pii === undefined)) {
      expect(ev.text).not.toMatch(EMAIL_RE);
      expect(ev.text).not.toMatch(CARD_RE);
    }
  });

  it('has a complete phrase book for every language', () => {
    expect(Object.keys(PHRASE_BOOKS).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
    for (const book of Object.values(PHRASE_BOOKS)) {
      for (const arc of ARCS) {
        const lines = book.customer[arc];
        for (const line of lines.open) expect(line).toContain('{issue}');
        expect(lines.open.length + lines.middle.length + lines.end.length).toBeGreaterThanOrEqual(12);
      }
      for (const topic of TOPICS) {
        expect(book.issues[topic].length).toBeGreaterThanOrEqual(3);
        expect(book.agent.solve[topic].length).toBeGreaterThanOrEqual(2);
        expect(book.email.subjects[topic].length).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('is an endless generator', () => {
    const gen = generateEvents({ seed: 9, startMs: START, eventsPerSec: 1000 });
    let n = 0;
    for (const _ of gen) if (++n >= 20_000) break;
    expect(n).toBe(20_000);
  });
});

describe('runSimulation', () => {
  it('sends exactly count events, in order, paced to the rate', async () => {
    const got: RawEvent[] = [];
    const t0 = performance.now();
    const result = await runSimulation({
      seed: 7,
      startMs: START,
      rate: 200,
      count: 100,
      publish: async (ev) => void got.push(ev),
    });
    expect(result).toMatchObject({ sent: 100, failed: 0, seed: 7 });
    expect(got.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, n) => `sim-7-${n}`));
    // 100 events at 200/s take about 500 ms; only a loose lower bound on a noisy machine.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
    // Simulated time keeps pace with the rate, so it never runs ahead of the wall clock.
    expect(Date.parse(got.at(-1)?.ts ?? '') - START).toBeLessThanOrEqual(500);
  });

  it('stops when aborted and publishes nothing afterwards', async () => {
    const controller = new AbortController();
    let calls = 0;
    setTimeout(() => controller.abort(), 150);
    const result = await runSimulation({
      rate: 100,
      publish: async () => void calls++,
      signal: controller.signal,
    });
    expect(result.sent).toBe(calls);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(result.sent);
  });

  it('stops after durationSec', async () => {
    const result = await runSimulation({ rate: 100, durationSec: 0.3, publish: async () => {} });
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBeLessThanOrEqual(131); // 30 on time plus at most one second of catch-up
  });

  it('counts failed publishes (rejected or thrown) and carries on', async () => {
    let n = 0;
    const result = await runSimulation({
      rate: 1000,
      count: 60,
      publish: (ev) => {
        n++;
        if (n % 3 === 0) return Promise.reject(new Error(`bus down for ${ev.id}`));
        if (n % 5 === 0) throw new Error('not connected');
        return Promise.resolve();
      },
    });
    expect(result.sent).toBe(60);
    expect(n).toBe(60);
    expect(result.failed).toBe(20 + 12 - 4); // multiples of 3, plus of 5 that are not of 15
  });

  it('keeps at most maxInFlight publishes pending, still calling them in order', async () => {
    let pending = 0;
    let peak = 0;
    const ids: string[] = [];
    const result = await runSimulation({
      seed: 3,
      rate: 2000,
      count: 200,
      maxInFlight: 4,
      publish: async (ev) => {
        ids.push(ev.id);
        pending++;
        peak = Math.max(peak, pending);
        await new Promise((r) => setTimeout(r, 5));
        pending--;
      },
    });
    expect(result).toMatchObject({ sent: 200, failed: 0 });
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    expect(ids).toEqual(Array.from({ length: 200 }, (_, n) => `sim-3-${n}`));
  });

  it('reports progress at the end', async () => {
    const seen: [number, number][] = [];
    await runSimulation({ rate: 500, count: 20, publish: async () => {}, onProgress: (s, ms) => seen.push([s, ms]) });
    expect(seen.at(-1)?.[0]).toBe(20);
  });

  it('rejects a rate that is not a positive number', async () => {
    await expect(runSimulation({ rate: 0, publish: async () => {} })).rejects.toThrow(/rate/);
    await expect(runSimulation({ rate: Number.NaN, publish: async () => {} })).rejects.toThrow(/rate/);
  });
});
