/**
 * The seeds' service KPIs and the next-best-action figures, for both reports: first-contact
 * resolution (as 1 - the share of conversations whose customer had another one in the 7 days
 * before: a repeat contact), escalations (`meta.escalated`, call transfers), handling time (first
 * to last message of a conversation, median and p90 per channel), actions offered and their
 * outcomes, and each action's uplift against the random hold-out. The SQL follows sql.ts's rules
 * (no JOINs: the join of actions and cancellations is done here).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { htmlTable, mdTable, num, pct, select } from './common.ts';
import { DAY_S, rollupSource, type ReportSource } from './sql.ts';

/** A conversation within this time after another of the same customer is a repeat contact. */
export const REPEAT_WINDOW_S = 7 * DAY_S;
/** A cancellation within this time after a recommendation counts as churn for the uplift. */
export const CHURN_WINDOW_S = 60 * DAY_S;

export interface HandlingRow {
  channel: string;
  conversations: number;
  medianMinutes: number;
  p90Minutes: number;
}

export interface UpliftRow {
  action: string;
  offered: number;
  offeredChurned: number;
  heldOut: number;
  heldOutChurned: number;
  /** Held-out churn minus offered churn (positive: the action prevents cancellations); null without both groups. */
  uplift: number | null;
  low: number | null;
  high: number | null;
}

export interface Kpis {
  conversations: number;
  repeatContacts: number;
  firstContactResolution: number | null;
  escalations: number;
  escalationShare: number | null;
  handling: HandlingRow[];
  actions: { offered: number; heldOut: number; done: number; declined: number; noAnswer: number; expired: number; doneRate: number | null };
  uplift: UpliftRow[];
}

const safe = (n: number): number => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad time bound ${n}`);
  return n;
};

/** The SQL for [from, to) (epoch s), in order: conversations, actions, cancellations. */
export function kpiSql(db: string, from: number, to: number, source: ReportSource = rollupSource(db)): string[] {
  return [
    `SELECT toString(channel) AS via, conversation_id AS conversation, any(customer_id) AS customer,
  min(toUInt32(toDateTime(ts))) AS first_s, max(toUInt32(toDateTime(ts))) AS last_s, count() AS messages,
  max(visitParamExtractBool(meta, 'escalated')) AS escalated, max(visitParamExtractInt(meta, 'transfers')) AS transfers
FROM ${source.events}
WHERE ts >= toDateTime(${safe(from - REPEAT_WINDOW_S)}) AND ts < toDateTime(${safe(to)})
GROUP BY via, conversation`,
    `SELECT toString(action) AS kind, held_out AS held, critical AS crit, toString(status) AS state, customer_id AS customer, toUInt32(toDateTime(ts)) AS at_s
FROM ${source.actions}
WHERE ts >= toDateTime(${safe(from - CHURN_WINDOW_S)}) AND ts < toDateTime(${safe(to)})`,
    `SELECT customer_id AS customer, min(toUInt32(toDateTime(ts))) AS at_s
FROM ${source.business}
WHERE type = 'cancellation' AND ts >= toDateTime(${safe(from - CHURN_WINDOW_S)})
GROUP BY customer`,
  ];
}

/** The q-quantile of sorted values (nearest rank). */
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
const ratio = (x: number, n: number): number | null => (n > 0 ? x / n : null);
/** A table the engine creates at start may be missing in a database an older release made. */
const missingTable = (e: unknown): boolean => /\bCode: 60\b|UNKNOWN_TABLE|doesn't exist/.test((e as Error).message ?? '');

interface ConvRow { via: string; conversation: string; customer: string; first_s: unknown; last_s: unknown; messages: unknown; escalated: unknown; transfers: unknown }
interface ActionRow { kind: string; held: unknown; crit: unknown; state: string; customer: string; at_s: unknown }

export async function buildKpis(client: ClickHouseClient, db: string, from: number, to: number, source: ReportSource = rollupSource(db)): Promise<Kpis> {
  const [convSql, actionSql, cancelSql] = kpiSql(db, from, to, source) as [string, string, string];
  const orNone = <T>(p: Promise<T[]>): Promise<T[]> => p.catch((e: unknown) => (missingTable(e) ? [] : Promise.reject(e)));
  const [convs, acts, cancels] = await Promise.all([
    select<ConvRow>(client, convSql),
    orNone(select<ActionRow>(client, actionSql)),
    orNone(select<{ customer: string; at_s: unknown }>(client, cancelSql)),
  ]);

  // Conversations started in the window; a repeat when the same customer started another in the 7 days before.
  const starts = new Map<string, number[]>();
  for (const c of convs) starts.set(c.customer, [...(starts.get(c.customer) ?? []), num(c.first_s)]);
  const inWindow = convs.filter((c) => num(c.first_s) >= from && num(c.first_s) < to);
  const repeatContacts = inWindow.filter((c) => (starts.get(c.customer) ?? []).some((s) => s < num(c.first_s) && s >= num(c.first_s) - REPEAT_WINDOW_S)).length;
  const escalations = inWindow.filter((c) => num(c.escalated) > 0 || num(c.transfers) > 0).length;
  const byChannel = new Map<string, number[]>();
  for (const c of inWindow) if (num(c.messages) >= 2) byChannel.set(c.via, [...(byChannel.get(c.via) ?? []), (num(c.last_s) - num(c.first_s)) / 60]);
  const handling = [...byChannel].map(([channel, minutes]) => {
    const sorted = [...minutes].sort((a, b) => a - b);
    return { channel, conversations: sorted.length, medianMinutes: Math.round(quantile(sorted, 0.5) * 10) / 10, p90Minutes: Math.round(quantile(sorted, 0.9) * 10) / 10 };
  }).sort((a, b) => a.channel.localeCompare(b.channel));

  const windowActs = acts.filter((a) => num(a.at_s) >= from && num(a.at_s) < to && a.state !== 'superseded');
  const count = (state: string) => windowActs.filter((a) => a.state === state).length;
  const done = count('done'), declined = count('declined'), noAnswer = count('no_answer');
  const actions = { offered: windowActs.filter((a) => num(a.held) === 0).length, heldOut: windowActs.filter((a) => num(a.held) === 1).length, done, declined, noAnswer, expired: count('expired'), doneRate: ratio(done, done + declined + noAnswer) };

  const cancelledAt = new Map(cancels.map((c) => [c.customer, num(c.at_s)]));
  const uplift = upliftOf(acts.map((a) => ({ action: a.kind, customerId: a.customer, heldOut: num(a.held) === 1, critical: num(a.crit) === 1, status: a.state, atS: num(a.at_s) })), cancelledAt);

  return {
    conversations: inWindow.length, repeatContacts, firstContactResolution: ratio(inWindow.length - repeatContacts, inWindow.length),
    escalations, escalationShare: ratio(escalations, inWindow.length), handling, actions, uplift,
  };
}

/** One recommendation as the uplift needs it. */
export interface UpliftInput {
  action: string;
  customerId: string;
  heldOut: boolean;
  critical: boolean;
  status: string;
  /** When it was recommended, epoch s. */
  atS: number;
}

/**
 * Per non-critical action: cancellation rate (a cancellation within CHURN_WINDOW_S after the
 * recommendation) of held-out customers minus that of customers offered it, with a 95% normal
 * interval; null where one of the groups is empty. Superseded recommendations do not count.
 */
export function upliftOf(recs: readonly UpliftInput[], cancelledAtS: ReadonlyMap<string, number>): UpliftRow[] {
  const churned = (a: UpliftInput) => {
    const t = cancelledAtS.get(a.customerId);
    return t !== undefined && t > a.atS && t <= a.atS + CHURN_WINDOW_S;
  };
  const groups = new Map<string, { n1: number; x1: number; n2: number; x2: number }>();
  for (const a of recs) {
    if (a.critical || a.status === 'superseded') continue;
    const g = groups.get(a.action) ?? { n1: 0, x1: 0, n2: 0, x2: 0 };
    if (a.heldOut) {
      g.n2++;
      if (churned(a)) g.x2++;
    } else {
      g.n1++;
      if (churned(a)) g.x1++;
    }
    groups.set(a.action, g);
  }
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return [...groups].map(([action, g]) => {
    if (g.n1 === 0 || g.n2 === 0) return { action, offered: g.n1, offeredChurned: g.x1, heldOut: g.n2, heldOutChurned: g.x2, uplift: null, low: null, high: null };
    const p1 = g.x1 / g.n1, p2 = g.x2 / g.n2;
    const half = 1.96 * Math.sqrt((p1 * (1 - p1)) / g.n1 + (p2 * (1 - p2)) / g.n2);
    // Clipped to the possible range: a difference of two rates lies in [-1, 1].
    return { action, offered: g.n1, offeredChurned: g.x1, heldOut: g.n2, heldOutChurned: g.x2, uplift: r(p2 - p1), low: r(Math.max(-1, p2 - p1 - half)), high: r(Math.min(1, p2 - p1 + half)) };
  }).sort((a, b) => a.action.localeCompare(b.action));
}

const share = (x: number | null): string => (x === null ? '-' : pct(x));
const points = (x: number | null): string => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`);

function sections(k: Kpis): { title: string; head: string[]; rows: string[][] }[] {
  return [
    {
      title: 'Service KPIs',
      head: ['conversations', 'first-contact resolution', 'repeat contacts (7 days)', 'escalations', 'escalation share'],
      rows: [[String(k.conversations), share(k.firstContactResolution), String(k.repeatContacts), String(k.escalations), share(k.escalationShare)]],
    },
    { title: 'Handling time (first to last message, minutes)', head: ['channel', 'conversations', 'median', 'p90'], rows: k.handling.map((h) => [h.channel, String(h.conversations), h.medianMinutes.toFixed(1), h.p90Minutes.toFixed(1)]) },
    {
      title: 'Next best actions',
      head: ['offered', 'held out', 'done', 'declined', 'no answer', 'expired', 'done rate'],
      rows: [[String(k.actions.offered), String(k.actions.heldOut), String(k.actions.done), String(k.actions.declined), String(k.actions.noAnswer), String(k.actions.expired), share(k.actions.doneRate)]],
    },
    {
      title: 'Action uplift against the hold-out (recommendations of the 60 days before, cancellations within 60 days)',
      head: ['action', 'offered (cancelled)', 'held out (cancelled)', 'uplift, points', '95% interval'],
      rows: k.uplift.map((u) => [u.action, `${u.offered} (${u.offeredChurned})`, `${u.heldOut} (${u.heldOutChurned})`, points(u.uplift), u.low === null ? '-' : `${points(u.low)} .. ${points(u.high)}`]),
    },
  ];
}

export const KPI_METHOD = 'First-contact resolution: conversations started in the period whose customer started no other conversation in the 7 days before. Escalations: conversations with meta.escalated or a call transfer. Handling time: first to last message of conversations with at least two messages. Uplift: cancellation rate of held-out customers minus that of customers offered the action (critical actions are never held out), with a 95% normal-approximation interval.';

export function kpiMarkdown(k: Kpis): string {
  return sections(k).map((s) => `## ${s.title}\n\n${mdTable(s.head, s.rows)}`).join('') + `_${KPI_METHOD}_\n`;
}

export function kpiHtml(k: Kpis): string {
  return sections(k).map((s) => `<h2>${s.title}</h2>\n${htmlTable(s.head, s.rows)}`).join('\n');
}
