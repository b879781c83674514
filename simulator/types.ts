/** Public types of the traffic simulator (re-exported from index.ts). */

export const SIM_CHANNELS = ['chat', 'email', 'call'] as const;

export interface SimulatorOptions {
  /** Same seed and options, same traffic (texts, ids, offsets). Default: random, see `resolveSeed`. */
  seed?: number;
  /** Subset of en, sv, nb, da, de. Default: all. */
  languages?: string[];
  /** Subset of chat, email, call. Default: all. */
  channels?: string[];
  /** Size of the customer base (ids `cust-00001`…). Default 500. */
  customers?: number;
  /** Number of agents (ids `agent-001`…). Default 25. */
  agents?: number;
  /** Put `lang` on events. Default false, so the engine has to detect the language itself. */
  includeLang?: boolean;
  /** Timestamp of the first event, epoch ms. Default: now. */
  startMs?: number;
  /**
   * Traffic density in events per second of simulated time; new conversations open whenever
   * traffic falls below it. Default 5; `runSimulation` defaults it to its `rate`, so that
   * event timestamps keep pace with the wall clock.
   */
  eventsPerSec?: number;
}

/** One message in the SPEC event contract, as a connector would publish it. */
export interface RawEvent {
  id: string;
  channel: string;
  conversationId: string;
  customerId: string;
  author: string;
  text: string;
  ts: string;
  agentId?: string;
  lang?: string;
  subject?: string;
  meta?: Record<string, unknown>;
}

export interface RunOptions extends SimulatorOptions {
  /** Events per second (wall clock). */
  rate: number;
  /** Stop after this many events. */
  count?: number;
  /** Stop after this many seconds. Without count and duration the run lasts until aborted. */
  durationSec?: number;
  publish: (ev: RawEvent) => Promise<void>;
  /** Called about once a second and once at the end. */
  onProgress?: (sent: number, elapsedMs: number) => void;
  signal?: AbortSignal;
  /** Publishes allowed in flight at once. Default 1: each publish is awaited before the next. */
  maxInFlight?: number;
}

export interface RunResult {
  /** Events handed to `publish`, including those whose publish failed. */
  sent: number;
  elapsedMs: number;
  /** Publishes that threw or rejected. */
  failed: number;
  /** The seed used, so a run with a random seed can be replayed. */
  seed: number;
}
