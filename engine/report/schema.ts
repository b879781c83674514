/**
 * The JSON form of the reports (`format=json`: the report without its Markdown and HTML), as
 * TypeBox schemas for the route's documentation and serialization (engine/http/reports.ts). Every field of DailyReport and
 * WeeklyReport is here: fastify's serializer drops what a schema does not name.
 */
import { Type } from '@sinclair/typebox';
import { DIMENSIONS } from './sql.ts';

const N = Type.Number();
const nullable = (description?: string) => Type.Union([Type.Number(), Type.Null()], description === undefined ? {} : { description });
const Charts = Type.Record(Type.String(), Type.String(), { description: 'chart name -> SVG' });

const share = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });
const Kpis = Type.Object(
  {
    conversations: N,
    repeatContacts: Type.Number({ description: 'conversations whose customer started another in the 7 days before' }),
    firstContactResolution: share('1 - repeat share; null without conversations'),
    escalations: N,
    escalationShare: share('null without conversations'),
    handling: Type.Array(Type.Object({ channel: Type.String(), conversations: N, medianMinutes: N, p90Minutes: N })),
    actions: Type.Object({ offered: N, heldOut: N, done: N, declined: N, noAnswer: N, expired: N, doneRate: share('null without outcomes') }),
    uplift: Type.Array(Type.Object({ action: Type.String(), offered: N, offeredChurned: N, heldOut: N, heldOutChurned: N, uplift: share('held-out churn minus offered churn'), low: nullable(), high: nullable() })),
  },
  { description: 'service KPIs and next best actions (engine/report/kpis.ts)' },
);

const Segment = Type.Object({ segment: Type.String(), messages: N, negatives: N, positives: N, negativeShare: N, meanSentiment: N });

export const DailyReportJson = Type.Object(
  {
    kind: Type.Literal('daily'),
    date: Type.String(),
    totals: Type.Object({ messages: N, negatives: N, negativeShare: N, meanSentiment: N }),
    byChannel: Type.Array(Segment),
    byLanguage: Type.Array(Segment),
    hourly: Type.Array(Type.Object({ hour: N, messages: N, negatives: N, meanSentiment: nullable('null: no messages that hour') })),
    negativeConversations: Type.Array(
      Type.Object({ conversation: Type.String(), customer: Type.String(), channel: Type.String(), lang: Type.String(), messages: N, negatives: N, meanSentiment: N, worst: N, lastMessage: Type.String() }),
    ),
    movers: Type.Array(Type.Object({ channel: Type.String(), lang: Type.String(), messages: N, prevMessages: N, meanSentiment: N, prevMeanSentiment: N, delta: N })),
    kpis: Kpis,
    charts: Charts,
  },
  { description: 'daily report (engine/report/daily.ts)' },
);

const WeeklySegment = Type.Object({
  dimension: Type.Union(DIMENSIONS.map((d) => Type.Literal(d))),
  segment: Type.String(),
  messages: N,
  negatives: N,
  baselineMessages: N,
  baselineNegatives: N,
  share: N,
  baselineShare: N,
  z: nullable('null when the test is undefined'),
  warn: Type.Boolean(),
  reason: Type.String({ description: "why it did not warn; '' when it warns" }),
  weeklyShare: Type.Array(nullable(), { description: 'negative share per week, oldest first; null: no messages' }),
});

export const WeeklyReportJson = Type.Object(
  {
    kind: Type.Literal('weekly'),
    date: Type.String({ description: 'last day of the week reported on' }),
    from: Type.String(),
    baselineFrom: Type.String(),
    options: Type.Object({ minVolume: N, minZ: N, minLift: N }),
    segments: Type.Array(WeeklySegment),
    warnings: Type.Array(WeeklySegment),
    daily: Type.Array(Type.Object({ day: Type.String(), messages: N, negatives: N })),
    kpis: Kpis,
    charts: Charts,
  },
  { description: 'weekly trend report (engine/report/weekly.ts)' },
);

export const REPORT_KINDS = ['daily', 'weekly'] as const;
export const REPORT_FORMATS = ['html', 'md', 'json'] as const;

