/**
 * Next best actions (engine/actions makes them): what the people who own a customer relationship
 * should do, for whom, when, and why. The feed, the sinks and the HTTP API carry them, so the shape
 * lives beside the event. Field names are a contract with the pages and the `actions` table: add
 * optional fields, never rename.
 */

/** What the owner reports back: the action was carried out, the customer declined, or nobody answered. */
export const ACTION_OUTCOMES = ['done', 'declined', 'no_answer'] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

/**
 * `open`: on the worklist. `held_out`: the customer is in the random hold-out, so no action was
 * offered (recorded to measure uplift). `expired`: nobody reported an outcome in time.
 * `superseded`: a stronger action for the same customer replaced it before anyone acted.
 */
export const ACTION_STATUSES = ['open', 'held_out', 'expired', 'superseded', ...ACTION_OUTCOMES] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** How the action was chosen among the eligible ones. */
export const ACTION_CHOICES = ['critical', 'rule', 'bandit', 'explore'] as const;
export type ActionChoice = (typeof ACTION_CHOICES)[number];

/** `now`: a live-risk case; `customer`/`segment`: the customer's or the segment's hour-of-week pattern; `business_hours`: the next business hour. */
export const ACTION_TIMING_BASES = ['now', 'customer', 'segment', 'business_hours'] as const;
export type ActionTimingBasis = (typeof ACTION_TIMING_BASES)[number];

/** One fact behind a recommendation, in plain words. */
export type ActionEvidence = {
  /** A field of the catalog's vocabulary (e.g. `contacts30d`), or `trigger` for what changed. */
  field: string;
  value: number | string | boolean;
  text: string;
};

/** A type alias (not an interface) so it fits the feed protocol's `action: Record<string, unknown>`. */
export type ActionRecommendation = {
  actionId: string;
  /** The catalog action (e.g. `personal_call`). */
  action: string;
  customerId: string;
  segment: string;
  owner?: string;
  team?: string;
  status: ActionStatus;
  /** Escalations: never held out, never explored away. */
  critical: boolean;
  /** The customer is in the random hold-out: nothing was offered. */
  heldOut: boolean;
  chosenBy: ActionChoice;
  /** 0..1 from churn probability, customer value, urgency and recency. */
  priority: number;
  churnProbability?: number;
  /** For the owner, in the engine's agent language (CXPULSE_AGENT_LANG). */
  reason: string;
  reasonLang: string;
  /** One sentence the owner can say to the customer, in the customer's language when known. */
  explanation: string;
  explanationLang: string;
  evidence: ActionEvidence[];
  /** When to act (epoch ms) and why then. */
  dueMs: number;
  timing: ActionTimingBasis;
  /** The time zone the timing was worked out in (meta.tz when known). */
  tz: string;
  /** The event that tipped the customer into this recommendation. */
  triggerId: string;
  /** Event time of the trigger. */
  tsMs: number;
  /** When this state of the action was recorded (epoch ms): the recommendation, then its outcome. */
  stateMs: number;
  outcome?: ActionOutcome;
  outcomeBy?: string;
  note?: string;
  /** The customer cancelled within the learning window after the action was done (joined automatically). */
  churnedAfter?: boolean;
  /** For `superseded`: the action that replaced it. */
  supersededBy?: string;
};
