/**
 * Daily sentiment report for one UTC day: volume and sentiment by channel and language, the
 * hour-by-hour curve, the most negative conversations and the channel x language segments whose
 * mean sentiment moved most against the day before. Customer messages only: agents' wording is
 * not the customer's experience.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { htmlPage, htmlTable, mdTable, num, parseDay, pct, select, signed, formatDay } from './common.ts';
import { DAY_S, hourlySql, moversSql, negativeConversationsSql, segmentTotalsSql } from './sql.ts';
import type { Dimension, ReportSource } from './sql.ts';
import { reportSource } from './source.ts';
import { barChart, escapeXml, sparkline } from './svg.ts';
import { buildKpis, KPI_METHOD, kpiHtml, kpiMarkdown, kpiSql, type Kpis } from './kpis.ts';

export interface SegmentRow {
  segment: string;
  messages: number;
  negatives: number;
  positives: number;
  negativeShare: number;
  meanSentiment: number;
}

export interface ConversationRow {
  conversation: string;
  customer: string;
  channel: string;
  lang: string;
  messages: number;
  negatives: number;
  meanSentiment: number;
  worst: number;
  lastMessage: string;
}

export interface MoverRow {
  channel: string;
  lang: string;
  messages: number;
  prevMessages: number;
  meanSentiment: number;
  prevMeanSentiment: number;
  delta: number;
}

export interface HourRow {
  hour: number;
  messages: number;
  negatives: number;
  meanSentiment: number | null;
}

export interface DailyReport {
  kind: 'daily';
  date: string;
  totals: { messages: number; negatives: number; negativeShare: number; meanSentiment: number };
  byChannel: SegmentRow[];
  byLanguage: SegmentRow[];
  hourly: HourRow[];
  negativeConversations: ConversationRow[];
  movers: MoverRow[];
  /** First-contact resolution, escalations, handling time, next best actions and their uplift. */
  kpis: Kpis;
  /** Chart name -> SVG; the CLI writes each next to the Markdown, which links them. */
  charts: Record<string, string>;
  markdown: string;
  html: string;
}

export interface DailyOptions {
  /** Conversations listed (default 10). */
  conversations?: number;
  /** Customer messages a conversation needs to be listed (default 2). */
  minConversationMessages?: number;
  /** Messages a segment needs on both days to count as a mover (default 20). */
  minMoverMessages?: number;
  movers?: number;
}

/** The SQL the daily report sends for `date`, in order (tests run each one); `source`: the tables read (default: the rollup). */
export function dailySql(db: string, date: string, o: DailyOptions = {}, source?: ReportSource): string[] {
  const from = parseDay(date);
  const to = from + DAY_S;
  return [
    segmentTotalsSql(db, 'channel', from, to, source),
    segmentTotalsSql(db, 'lang', from, to, source),
    hourlySql(db, from, to, source),
    negativeConversationsSql(db, from, to, o.conversations ?? 10, o.minConversationMessages ?? 2, source),
    moversSql(db, from, to, source),
    ...kpiSql(db, from, to, source),
  ];
}

interface SegmentSql { segment: string; messages: unknown; negatives: unknown; positives: unknown; score_sum: unknown }

function segments(rows: SegmentSql[]): SegmentRow[] {
  return rows.map((r) => {
    const messages = num(r.messages);
    const negatives = num(r.negatives);
    return {
      segment: r.segment,
      messages,
      negatives,
      positives: num(r.positives),
      negativeShare: messages > 0 ? negatives / messages : 0,
      meanSentiment: messages > 0 ? num(r.score_sum) / messages : 0,
    };
  });
}

/** `source`: the tables to read, as reportSource found them; default: looked up now. */
export async function buildDailyReport(client: ClickHouseClient, db: string, date: string, o: DailyOptions = {}, source?: ReportSource): Promise<DailyReport> {
  const src = source ?? (await reportSource(client, db)).source;
  const [chanSql, langSql, hourSql, convSql, moverSql] = dailySql(db, date, o, src) as [string, string, string, string, string];
  const from = parseDay(date);
  const [chan, lang, hours, convs, moves, kpis] = await Promise.all([
    select<SegmentSql>(client, chanSql),
    select<SegmentSql>(client, langSql),
    select<{ bucket: unknown; messages: unknown; negatives: unknown; score_sum: unknown }>(client, hourSql),
    select<{ conversation: string; customer: string; via: string; language: string; messages: unknown; negatives: unknown; score_sum: unknown; worst: unknown; last_s: unknown }>(client, convSql),
    select<{ via: string; language: string; messages: unknown; score_sum: unknown; prev_messages: unknown; prev_score_sum: unknown }>(client, moverSql),
    buildKpis(client, db, from, from + DAY_S, src),
  ]);
  const byChannel = segments(chan);
  const byLanguage = segments(lang);
  const messages = byChannel.reduce((s, r) => s + r.messages, 0);
  const negatives = byChannel.reduce((s, r) => s + r.negatives, 0);
  const scoreSum = chan.reduce((s, r) => s + num(r.score_sum), 0);
  const totals = { messages, negatives, negativeShare: messages > 0 ? negatives / messages : 0, meanSentiment: messages > 0 ? scoreSum / messages : 0 };

  // All 24 hours, so that a quiet hour shows as a gap rather than vanishing from the chart.
  const byHour = new Map(hours.map((h) => [num(h.bucket), h]));
  const hourly: HourRow[] = Array.from({ length: 24 }, (_, hour) => {
    const h = byHour.get(hour);
    const n = num(h?.messages);
    return { hour, messages: n, negatives: num(h?.negatives), meanSentiment: n > 0 ? num(h?.score_sum) / n : null };
  });

  const negativeConversations: ConversationRow[] = convs.map((c) => {
    const n = num(c.messages);
    return {
      conversation: c.conversation,
      customer: c.customer,
      channel: c.via,
      lang: c.language,
      messages: n,
      negatives: num(c.negatives),
      meanSentiment: n > 0 ? num(c.score_sum) / n : 0,
      worst: num(c.worst),
      lastMessage: new Date(num(c.last_s) * 1000).toISOString().slice(11, 16) + ' UTC',
    };
  });

  const minMover = o.minMoverMessages ?? 20;
  const movers: MoverRow[] = moves
    .map((m) => {
      const n = num(m.messages);
      const p = num(m.prev_messages);
      const mean = n > 0 ? num(m.score_sum) / n : 0;
      const prevMean = p > 0 ? num(m.prev_score_sum) / p : 0;
      return { channel: m.via, lang: m.language, messages: n, prevMessages: p, meanSentiment: mean, prevMeanSentiment: prevMean, delta: mean - prevMean };
    })
    .filter((m) => m.messages >= minMover && m.prevMessages >= minMover)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.channel.localeCompare(b.channel) || a.lang.localeCompare(b.lang))
    .slice(0, o.movers ?? 5);

  const charts = {
    [`daily-${date}-hourly`]: barChart(`Customer messages per hour (UTC), ${date}; line: mean sentiment`, hourly.map((h) => ({ label: String(h.hour), value: h.messages, ...(h.meanSentiment !== null ? { mark: h.meanSentiment } : {}) })), { labelEvery: 3 }),
    [`daily-${date}-channels`]: barChart(`Negative share by channel, ${date}`, byChannel.map((r) => ({ label: r.segment, value: r.negativeShare * 100 })), { color: '#e15759' }),
  };
  const report = { kind: 'daily' as const, date, totals, byChannel, byLanguage, hourly, negativeConversations, movers, kpis, charts };
  return { ...report, markdown: dailyMarkdown(report), html: dailyHtml(report) };
}

type Data = Omit<DailyReport, 'markdown' | 'html'>;

const segHead = (d: Dimension): string[] => [d === 'channel' ? 'channel' : 'language', 'messages', 'negative', 'positive', 'negative share', 'mean sentiment'];
const segRows = (rows: SegmentRow[]): string[][] => rows.map((r) => [r.segment, String(r.messages), String(r.negatives), String(r.positives), pct(r.negativeShare), signed(r.meanSentiment)]);
const convHead = ['conversation', 'customer', 'channel', 'language', 'messages', 'negative', 'mean', 'worst', 'last'];
const convRows = (rows: ConversationRow[]): string[][] => rows.map((c) => [c.conversation, c.customer, c.channel, c.lang, String(c.messages), String(c.negatives), signed(c.meanSentiment), signed(c.worst), c.lastMessage]);
const moverHead = ['channel', 'language', 'messages (day before)', 'mean sentiment (day before)', 'change'];
const moverRows = (rows: MoverRow[]): string[][] => rows.map((m) => [m.channel, m.lang, `${m.messages} (${m.prevMessages})`, `${signed(m.meanSentiment)} (${signed(m.prevMeanSentiment)})`, signed(m.delta)]);

function summary(r: Data): string {
  return r.totals.messages === 0
    ? `No customer messages on ${r.date} (UTC).`
    : `${r.totals.messages} customer messages on ${r.date} (UTC); ${pct(r.totals.negativeShare)} negative; mean sentiment ${signed(r.totals.meanSentiment)} (-1..1).`;
}

const METHOD = 'Customer messages only, each event once: totals, hours and movers from the minute rollup (scored_events_by_minute; on a database without one, from scored_events_latest), conversations from scored_events_latest. Movers: channel x language segments with at least the minimum volume on both days, by absolute change of mean sentiment against the day before.';

function dailyMarkdown(r: Data): string {
  const chartLinks = Object.keys(r.charts).map((name) => `![${name}](${name}.svg)`).join('\n');
  return `# cxpulse daily sentiment report: ${r.date}

${summary(r)}

Messages per hour: \`${sparkline(r.hourly.map((h) => h.messages))}\`

${chartLinks}

## By channel

${mdTable(segHead('channel'), segRows(r.byChannel))}
## By language

${mdTable(segHead('lang'), segRows(r.byLanguage))}
## Most negative conversations

${mdTable(convHead, convRows(r.negativeConversations))}
## Top movers against ${formatDay(parseDay(r.date) - DAY_S)}

${mdTable(moverHead, moverRows(r.movers))}
_${METHOD}_

${kpiMarkdown(r.kpis)}`;
}

function dailyHtml(r: Data): string {
  const charts = Object.values(r.charts).join('\n');
  return htmlPage(
    `cxpulse daily sentiment report: ${r.date}`,
    `<p>${escapeXml(summary(r))}</p>
<div>${charts}</div>
<h2>By channel</h2>
${htmlTable(segHead('channel'), segRows(r.byChannel))}
<h2>By language</h2>
${htmlTable(segHead('lang'), segRows(r.byLanguage))}
<h2>Most negative conversations</h2>
${htmlTable(convHead, convRows(r.negativeConversations))}
<h2>Top movers against ${formatDay(parseDay(r.date) - DAY_S)}</h2>
${htmlTable(moverHead, moverRows(r.movers))}
<p class="note">${escapeXml(METHOD)}</p>
${kpiHtml(r.kpis)}
<p class="note">${escapeXml(KPI_METHOD)}</p>`,
  );
}
