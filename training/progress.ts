/**
 * The one progress reporter of every training path (sentiment, heads, churn, held-out export,
 * `cxpulse eval`): a named stage, step i of n, the time since the stage began and optional
 * figures (loss, ...). Written to stderr so stdout stays free for the JSON report. On a terminal
 * the step line redraws in place; in a log (CI) a step line is printed at most every few seconds
 * and at the end of a stage.
 *
 *   const progress = createProgress();
 *   progress.stage('churn');
 *   progress.step(12, 240, { loss: 0.412 });
 *   progress.line('telco held-out: AUC 0.84');
 */

export type Figures = Record<string, string | number>;

export interface Progress {
  /** Starts a named stage; its elapsed time counts from here. */
  stage(name: string): void;
  /** Step `done` of `total` in the current stage, with figures such as `{ loss: 0.41 }`. */
  step(done: number, total: number, figures?: Figures): void;
  /** A line that stays (an epoch's result, a file written). */
  line(text: string): void;
}

export interface ProgressOptions {
  /** Print nothing (tests, library use). Default false. */
  quiet?: boolean;
  /** Where to write; default process.stderr. */
  out?: { write(text: string): unknown; isTTY?: boolean };
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/** In a log (not a terminal), at most one step line per this many ms, plus the last step. */
export const LOG_STEP_INTERVAL_MS = 10_000;
const BAR_WIDTH = 25;

const figureText = (f: Figures = {}): string =>
  Object.entries(f).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`).join(', ');

/** A reporter that prints nothing: the default of every training function. */
export const silentProgress: Progress = { stage() {}, step() {}, line() {} };

export function createProgress(opts: ProgressOptions = {}): Progress {
  if (opts.quiet) return silentProgress;
  const out = opts.out ?? process.stderr;
  const tty = out.isTTY === true;
  const now = opts.now ?? Date.now;
  let name = '';
  let started = now();
  let lastLogged = -Infinity;
  let barShown = false;
  const elapsed = (): string => `${Math.round((now() - started) / 1000)}s`;
  const prefix = (): string => (name ? `[${name}] ` : '');
  const clearBar = (): void => {
    if (barShown) out.write('\r\x1b[K');
    barShown = false;
  };
  return {
    stage(next) {
      clearBar();
      name = next;
      started = now();
      lastLogged = -Infinity;
    },
    step(done, total, figures) {
      const pct = total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 100;
      const info = [`${done}/${total}`, elapsed(), figureText(figures)].filter((s) => s !== '').join(' ');
      if (tty) {
        const bar = '#'.repeat(Math.floor((pct * BAR_WIDTH) / 100)).padEnd(BAR_WIDTH, '.');
        out.write(`\r\x1b[K${prefix()}${bar} ${String(pct).padStart(3)}% ${info}`);
        barShown = done < total;
        if (!barShown) out.write('\n'); // the finished bar stays on screen
        return;
      }
      if (done < total && now() - lastLogged < LOG_STEP_INTERVAL_MS) return;
      lastLogged = now();
      out.write(`${prefix()}${pct}% ${info}\n`);
    },
    line(text) {
      clearBar();
      out.write(`${prefix()}${text}\n`);
    },
  };
}
