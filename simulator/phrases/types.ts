/**
 * The shape of one language's phrase book. Templates use `{slot}` placeholders that the
 * simulator fills per conversation: {issue} (a topic's problem statement), {order}, {product},
 * {days}, {amount}, {name} (customer first name), {agent} (agent name), and in PII lines
 * {email}, {phone}, {card}. `Record<Topic, …>` makes the compiler insist every topic is covered.
 */

/** How a conversation unfolds emotionally. */
export const ARCS = ['calm', 'rising', 'politeIrritated', 'angry', 'praise', 'cancelThreat'] as const;
export type Arc = (typeof ARCS)[number];

export const TOPICS = [
  'billing',
  'delivery',
  'technical',
  'usability',
  'account',
  'cancellation',
  'responseTime',
  'praise',
] as const;
export type Topic = (typeof TOPICS)[number];

/** Customer lines for one arc: the first message, turns in between, the last message. */
export interface ArcLines {
  /** Each contains `{issue}` at a sentence boundary. */
  open: string[];
  middle: string[];
  end: string[];
}

export interface PhraseBook {
  lang: string;
  /** Customer first names (email sign-offs, e-mail addresses). */
  names: string[];
  /** Formats a money amount the way a customer in this language would write it. */
  money: (amount: number) => string;
  /** Phone number patterns; `#` becomes a random digit. */
  phoneFormats: string[];
  /** Problem statements per topic, each a full sentence. */
  issues: Record<Topic, string[]>;
  customer: Record<Arc, ArcLines>;
  agent: {
    greet: string[];
    /** First agent line on a call, which the agent opens. */
    callGreet: string[];
    apologize: string[];
    probe: string[];
    solve: Record<Topic, string[]>;
    /** Retention offers for customers who threaten to leave. */
    retain: string[];
    close: string[];
  };
  email: {
    subjects: Record<Topic, string[]>;
    /** Prefix a mail client puts on replies ("Re: ", "SV: ", "AW: "). */
    replyPrefix: string;
    customerGreeting: string[];
    customerSignoff: string[];
    agentGreeting: string[];
    agentSignoff: string[];
  };
  /** System lines in call logs. */
  call: { hold: string[]; transfer: string[] };
  /** Sentences that carry personal data, appended to a message. */
  pii: { email: string[]; phone: string[]; card: string[]; agentEmail: string[]; agentPhone: string[] };
}
