/**
 * The events a load run sends and how a subscriber tells them apart. Runtime-neutral (see plan.ts).
 *
 * Every event of a run has the id `<runId>-<seq>`, seq counting from 0 over the whole run (k6:
 * the ingest scenario's iteration number times the batch size plus the place in the batch), and
 * `ts` = the moment its request was sent (epoch ms). The feed's `score` message carries the event
 * with that id and `tsMs`, so a subscriber in the same process (same clock) reads
 * publish -> feed latency as now - tsMs, and from the seq numbers which events it missed.
 */

/** Customer messages in the engine's languages, varied so the model and the churn state do real work. */
const TEXTS = [
  'Third time I ask: where is my refund?',
  'Thanks, that solved it. Great service!',
  'The app keeps logging me out and nobody answers my emails.',
  'Could you tell me when my order will arrive?',
  'Jag har väntat i två veckor på svar, det är inte okej.',
  'Tack för hjälpen, allt fungerar nu.',
  'Ich warte immer noch auf meine Rückerstattung.',
  'Det virker fint nu, tusind tak.',
  'Jeg har ringt tre ganger uten å få svar.',
  'I would like to change my plan to the cheaper one, please.',
] as const;

/** Conversations each agent holds at once (each event of an agent goes to one of them, in turn). */
export const CONVERSATIONS_PER_AGENT = 5;

/** A run id: short, unique enough per run, safe in an event id. */
export function newRunId(nowMs: number, random: number): string {
  return `load${nowMs.toString(36)}${Math.floor(random * 36 ** 4).toString(36).padStart(4, '0')}`;
}

export const eventId = (runId: string, seq: number): string => `${runId}-${seq}`;

/** The seq of one of this run's event ids, else undefined. */
export function seqOf(runId: string, id: unknown): number | undefined {
  if (typeof id !== 'string' || !id.startsWith(`${runId}-`)) return undefined;
  const rest = id.slice(runId.length + 1);
  if (!/^\d+$/.test(rest)) return undefined;
  return Number(rest);
}

/** Which agent (index into the agent ids) an event belongs to; undefined when the run has no agents. */
export const agentIndexOf = (seq: number, agents: number): number | undefined => (agents > 0 ? seq % agents : undefined);

export interface LoadEvent {
  id: string;
  channel: 'chat';
  conversationId: string;
  customerId: string;
  author: 'customer';
  text: string;
  ts: number;
  agentId?: string;
}

/**
 * Event `seq` of a run. With agents, each event carries its agent's id (which is what routes a
 * conversation to an agent on the feed) and lands in one of that agent's conversations.
 */
export function makeEvent(runId: string, seq: number, sentAtMs: number, agentIds: readonly string[]): LoadEvent {
  const a = agentIndexOf(seq, agentIds.length);
  const e: LoadEvent = {
    id: eventId(runId, seq),
    channel: 'chat',
    conversationId: a === undefined ? `${runId}-c${seq % 50}` : `${runId}-a${a}-c${Math.floor(seq / agentIds.length) % CONVERSATIONS_PER_AGENT}`,
    customerId: `${runId}-cust${seq % 100}`,
    author: 'customer',
    text: TEXTS[seq % TEXTS.length]!,
    ts: sentAtMs,
  };
  if (a !== undefined) e.agentId = agentIds[a]!;
  return e;
}

/** The body of the request carrying events first .. first + batch - 1: one object for a batch of 1, else an array. */
export function requestBody(runId: string, first: number, batch: number, sentAtMs: number, agentIds: readonly string[]): string {
  if (batch === 1) return JSON.stringify(makeEvent(runId, first, sentAtMs, agentIds));
  const events: LoadEvent[] = [];
  for (let k = 0; k < batch; k++) events.push(makeEvent(runId, first + k, sentAtMs, agentIds));
  return JSON.stringify(events);
}
