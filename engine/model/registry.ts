/**
 * Hot model reload and shadow scoring. The registry holds the active TextScorer and an optional
 * shadow candidate. The pipeline pins one model per micro-batch with acquire()/release(), so a
 * swap takes effect between batches and a replaced model is disposed only once the last batch
 * that pinned it is done (its tensors would otherwise vanish under a running predict).
 */
import { watch } from 'node:fs';
import type { SentimentScore, TextScores } from '../event/types.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { validateScorer } from './canary.ts';
import { headFolders } from './heads.ts';
import { loadTextScorer, type LoadOptions, type TextScorer } from './scorer.ts';

/** One loaded model with the number of batches using it right now. */
interface Slot {
  scorer: TextScorer;
  dir: string;
  refs: number;
  retired: boolean;
}

/** A model pinned for one batch; `compare` (shadow mode) must be awaited before release(). */
export interface ModelLease {
  readonly model: Pick<TextScorer, 'version' | 'featurize' | 'predict' | 'predictAll'>;
  compare?(inputs: readonly { text: string; lang?: string | undefined }[], scores: readonly SentimentScore[]): Promise<void>;
  release(): void;
}

export interface ShadowSummary {
  version: string;
  n: number;
  agree: number;
  agreementRate: number | null;
  /** confusion[activeLabel][shadowLabel] = count. */
  confusion: Record<string, Record<string, number>>;
  errors: number;
}

export interface RegistryHooks {
  onSwap?(active: string, previous: string): void;
  onShadowResult?(agree: boolean): void;
  onShadowError?(err: Error): void;
}

/** A candidate folder that failed to load or validate; the message names the file or the reason. */
export class ModelInvalidError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`model in ${dir} refused: ${reason}`);
  }
}

export { CANARY, validateScorer } from './canary.ts';

export class ModelRegistry {
  private active: Slot;
  private shadow: Slot | undefined;
  private stats: ShadowSummary | undefined;
  /** Reloads run one at a time, so two requests cannot interleave their swaps. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(first: TextScorer, dir: string, private readonly defaultDir: string, private readonly hooks: RegistryHooks, private readonly load: LoadOptions) {
    this.active = { scorer: first, dir, refs: 0, retired: false };
  }

  /**
   * Loads the first model and runs the same canary check a reload gets, so a broken model
   * refuses to start (ModelInvalidError naming the folder and the failed check) instead of
   * scoring garbage. Load failures throw as loadTextScorer does (naming the file).
   */
  static async open(dir: string, hooks: RegistryHooks = {}, load: LoadOptions = {}): Promise<ModelRegistry> {
    const scorer = await loadTextScorer(dir, load);
    try {
      await validateScorer(scorer);
    } catch (err) {
      scorer.dispose();
      throw new ModelInvalidError(dir, `start-up canary check failed: ${(err as Error).message}`);
    }
    return new ModelRegistry(scorer, dir, dir, hooks, load);
  }

  get version(): string {
    return this.active.scorer.version;
  }
  get backend(): string {
    return this.active.scorer.backend;
  }
  get shadowVersion(): string | undefined {
    return this.shadow?.scorer.version;
  }

  /** Featurizes with the active model; the pipeline tags the result with `version` read in the same tick. */
  featurize(text: string, lang?: string): Int32Array {
    return this.active.scorer.featurize(text, lang);
  }

  /** Predicts with the active model, pinned for the call (used outside the pipeline). */
  async predict(features: readonly Int32Array[]): Promise<SentimentScore[]> {
    const lease = this.acquire();
    try {
      return await lease.model.predict(features);
    } finally {
      lease.release();
    }
  }

  /** Sentiment plus heads with the active model, pinned for the call (used outside the pipeline). */
  async predictAll(features: readonly Int32Array[], texts?: readonly string[], langs?: readonly (string | undefined)[]): Promise<TextScores[]> {
    const lease = this.acquire();
    try {
      return await lease.model.predictAll(features, texts, langs);
    } finally {
      lease.release();
    }
  }

  /** Names of the active model's heads. */
  get heads(): readonly string[] {
    return this.active.scorer.heads;
  }

  /** Pins the active model (and the shadow, if any) until release(). */
  acquire(): ModelLease {
    const active = this.active;
    const shadow = this.shadow;
    active.refs++;
    if (shadow) shadow.refs++;
    let released = false;
    return {
      model: active.scorer,
      compare: shadow ? (inputs, scores) => this.compare(shadow, inputs, scores) : undefined,
      release: () => {
        if (released) return;
        released = true;
        this.unref(active);
        if (shadow) this.unref(shadow);
      },
    };
  }

  /**
   * Loads `dir` (default: the configured folder, re-read from disk), validates it, then makes
   * it active — or, with `shadow`, the shadow candidate. On failure nothing changes and a
   * ModelInvalidError says why.
   */
  reload(opts: { dir?: string | undefined; shadow?: boolean | undefined } = {}): Promise<{ active: string; previous: string; shadow?: string }> {
    const run = async () => {
      if (this.closed) throw new Error('model registry is closed');
      const dir = opts.dir ?? this.defaultDir;
      let candidate: TextScorer;
      try {
        candidate = await loadTextScorer(dir, this.load);
      } catch (err) {
        throw new ModelInvalidError(dir, (err as Error).message);
      }
      try {
        await validateScorer(candidate);
      } catch (err) {
        candidate.dispose();
        throw new ModelInvalidError(dir, (err as Error).message);
      }
      const slot: Slot = { scorer: candidate, dir, refs: 0, retired: false };
      if (opts.shadow) {
        if (this.shadow) this.retire(this.shadow);
        this.shadow = slot;
        this.stats = emptyStats(candidate.version);
        return { active: this.version, previous: this.version, shadow: candidate.version };
      }
      return this.swapIn(slot);
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Makes the shadow the active model; throws if there is none. */
  promote(): Promise<{ active: string; previous: string }> {
    const run = async () => {
      const s = this.shadow;
      if (!s) throw new Error('no shadow model to promote');
      this.shadow = undefined;
      return this.swapIn(s);
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Drops the shadow candidate; returns its version, or undefined if there was none. */
  dropShadow(): string | undefined {
    const s = this.shadow;
    if (!s) return undefined;
    this.shadow = undefined;
    this.retire(s);
    return s.scorer.version;
  }

  status(): { active: string; activeDir: string; shadow: ShadowSummary | null } {
    const shadow = this.shadow && this.stats ? { ...this.stats, confusion: structuredClone(this.stats.confusion) } : null;
    return { active: this.version, activeDir: this.active.dir, shadow };
  }

  /** Disposes every model once in-flight batches release them. */
  close(): void {
    this.closed = true;
    this.dropShadow();
    this.retire(this.active);
  }

  /** Atomic: one assignment; batches already holding the old slot keep it until they release. */
  private swapIn(slot: Slot): { active: string; previous: string } {
    const old = this.active;
    this.active = slot;
    this.retire(old);
    this.hooks.onSwap?.(slot.scorer.version, old.scorer.version);
    return { active: slot.scorer.version, previous: old.scorer.version };
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    if (slot.refs === 0) slot.scorer.dispose();
  }

  private unref(slot: Slot): void {
    slot.refs--;
    if (slot.retired && slot.refs === 0) slot.scorer.dispose();
  }

  /** Second forward pass with the shadow, featurized its own way; never fails the batch. */
  private async compare(shadow: Slot, inputs: readonly { text: string; lang?: string | undefined }[], scores: readonly SentimentScore[]): Promise<void> {
    try {
      const mine = await shadow.scorer.predict(inputs.map((x) => shadow.scorer.featurize(x.text, x.lang)));
      // Stats belong to the current shadow; a batch that straddled a shadow change is not counted.
      const stats = this.shadow === shadow ? this.stats : undefined;
      if (!stats) return;
      mine.forEach((s, i) => {
        const a = scores[i]!.label;
        const agree = a === s.label;
        stats.n++;
        if (agree) stats.agree++;
        const row = (stats.confusion[a] ??= {});
        row[s.label] = (row[s.label] ?? 0) + 1;
        this.hooks.onShadowResult?.(agree);
      });
      stats.agreementRate = stats.agree / stats.n;
    } catch (err) {
      if (this.shadow === shadow && this.stats) this.stats.errors++;
      this.hooks.onShadowError?.(err as Error);
    }
  }
}

function emptyStats(version: string): ShadowSummary {
  return { version, n: 0, agree: 0, agreementRate: null, confusion: {}, errors: 0 };
}

/**
 * CXPULSE_MODEL_WATCH: reloads when manifest.json in `dir` or in one of its head folders
 * (`heads/<head>/`, present at start) changes. The trainer writes weights.bin before
 * manifest.json, and the debounce lets a copy finish; a half-written folder is refused by the
 * checksum and retried on the next change. Returns a stop function.
 */
export function watchModelDir(registry: ModelRegistry, dir: string, onResult: (err: Error | undefined, r?: { active: string; previous: string }) => void, debounceMs = 500): () => void {
  let timer: NodeJS.Timeout | undefined;
  const onChange = (_event: string, file: string | null): void => {
    if (file !== null && file !== MANIFEST_FILE) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      registry.reload({ dir }).then((r) => onResult(undefined, r), (e: Error) => onResult(e));
    }, debounceMs);
    timer.unref();
  };
  const watchers = [dir, ...headFolders(dir).map((h) => h.dir)].map((d) => watch(d, onChange));
  for (const w of watchers) w.on('error', (e) => onResult(e));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
