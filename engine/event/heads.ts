/**
 * The text model's heads, as one table. Serving code that depends on which heads exist reads it
 * rather than naming them: the scorer (engine/model: what a head folder must declare, how its
 * probabilities become a score, the canary checks), the ClickHouse sink (one column per head, its
 * type from the head's kind) and the scored event's type ({@link HeadScores}, part of TextScores).
 * Adding a head is one entry here plus its weights: engine/model/README.md, "Adding a head".
 */

export const EMOTION_LABELS = ['anger', 'frustration', 'disappointment', 'confusion', 'joy', 'enthusiasm', 'gratitude', 'neutral'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];
export const URGENCY_LABELS = ['low', 'normal', 'high', 'critical'] as const;
export type UrgencyLabel = (typeof URGENCY_LABELS)[number];
/**
 * Billing and pricing, delivery, technical fault, usability ("confusing"), account and access,
 * cancellation, communication and response time, praise, other.
 */
export const TOPIC_LABELS = ['billing', 'delivery', 'technical', 'usability', 'account', 'cancellation', 'communication', 'praise', 'other'] as const;
export type TopicLabel = (typeof TOPIC_LABELS)[number];
export const FORMALITY_LABELS = ['formal', 'informal'] as const;
export type FormalityLabel = (typeof FORMALITY_LABELS)[number];
export const INTENSITY_LABELS = ['mild', 'moderate', 'strong'] as const;
export type IntensityLabel = (typeof INTENSITY_LABELS)[number];

/** A single-label head's output: the most probable class and its probability. */
export interface ClassScore<L extends string> {
  label: L;
  /** The head's probability of `label`. */
  confidence: number;
  /** Set when a rule raised the head's label (urgency on an implicit complaint): the head's own answer. */
  raisedFrom?: { label: L; confidence: number };
  /** Why the rule raised it, in words, with the customer's words quoted; set with `raisedFrom`. */
  reason?: string;
}

/** A multi-label head's output (sigmoid per label, one decision threshold per label). */
export interface MultiLabelScore<L extends string> {
  /** Labels whose probability passed the head's threshold, most probable first (at least one). */
  labels: L[];
  /** Independent (sigmoid) probability of each label, 0..1. */
  probs: Record<L, number>;
  /** How strongly the dominant label other than the head's `neutral` one is expressed. */
  intensity: IntensityLabel;
  /** 0..1 behind `intensity`. */
  intensityScore: number;
}

/**
 * One head. `single`: softmax, the event carries a {@link ClassScore} and ClickHouse a
 * `LowCardinality(String)` column (`String` on 18.16) with the label, '' when absent.
 * `multi`: sigmoid with per-label thresholds from the head's manifest, the event carries a
 * {@link MultiLabelScore} and ClickHouse an `Array(String)` column with the labels, [] when absent.
 */
export type HeadDef =
  | { kind: 'single'; labels: readonly string[]; column: string }
  | {
    kind: 'multi';
    labels: readonly string[];
    column: string;
    /** The "nothing expressed" label: the fallback when no label passes, and left out of the intensity. */
    neutral: string;
  };

/**
 * Every head, keyed by its name: the name is also the head's model folder
 * (`<model>/heads/<name>/`), its manifest `task` and its field on the scored event. Entry order is
 * the ClickHouse column order (they follow `meta`): append new heads at the end.
 */
export const HEADS = {
  topic: { kind: 'single', labels: TOPIC_LABELS, column: 'topic' },
  urgency: { kind: 'single', labels: URGENCY_LABELS, column: 'urgency' },
  formality: { kind: 'single', labels: FORMALITY_LABELS, column: 'formality' },
  emotion: { kind: 'multi', labels: EMOTION_LABELS, column: 'emotion_labels', neutral: 'neutral' },
} as const satisfies Record<string, HeadDef>;

export type HeadName = keyof typeof HEADS;
type LabelOf<K extends HeadName> = (typeof HEADS)[K]['labels'][number];
/** What head `K` puts on the scored event. */
export type HeadScore<K extends HeadName> = (typeof HEADS)[K] extends { kind: 'multi' } ? MultiLabelScore<LabelOf<K>> : ClassScore<LabelOf<K>>;
/** One optional field per head: present when the loaded model has that head. */
export type HeadScores = { [K in HeadName]?: HeadScore<K> };

/** Head names sorted: the order the scorer loads heads in and takes the model version hash in. */
export const HEAD_NAMES: readonly HeadName[] = (Object.keys(HEADS) as HeadName[]).sort();

/** The table's entries with their names, in table order (the ClickHouse column order). */
export const HEAD_ENTRIES: readonly (HeadDef & { name: HeadName })[] = (Object.keys(HEADS) as HeadName[]).map((name) => ({ name, ...HEADS[name] }));

/** The table entry of a head, typed as the general {@link HeadDef}. */
export function headDef(name: HeadName): HeadDef {
  return HEADS[name];
}
