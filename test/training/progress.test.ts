import { describe, expect, it } from 'vitest';
import { createProgress, LOG_STEP_INTERVAL_MS } from '../../training/progress.ts';

/** A fake stderr and clock: what the reporter writes, at the times the test sets. */
function sink(isTTY: boolean): { out: { isTTY: boolean; write(t: string): void }; text: () => string; clock: { ms: number } } {
  const parts: string[] = [];
  return { out: { isTTY, write: (t: string) => void parts.push(t) }, text: () => parts.join(''), clock: { ms: 0 } };
}

describe('progress reporter', () => {
  it('in a log, prints a step line at most every interval and always the last step, under the stage name', () => {
    const s = sink(false);
    const p = createProgress({ out: s.out, now: () => s.clock.ms });
    p.stage('churn');
    p.step(1, 4, { loss: 0.41234 });
    s.clock.ms = 1000;
    p.step(2, 4);
    s.clock.ms = 1000 + LOG_STEP_INTERVAL_MS;
    p.step(3, 4, { epoch: '3/4' });
    s.clock.ms += 10;
    p.step(4, 4);
    p.line('telco held-out: AUC 0.84');
    expect(s.text()).toBe([
      '[churn] 25% 1/4 0s loss 0.412',
      '[churn] 75% 3/4 11s epoch 3/4',
      '[churn] 100% 4/4 11s',
      '[churn] telco held-out: AUC 0.84',
      '',
    ].join('\n'));
  });

  it('on a terminal, redraws one bar line and clears it before a line that stays', () => {
    const s = sink(true);
    const p = createProgress({ out: s.out, now: () => s.clock.ms });
    p.stage('sentiment');
    p.step(1, 2);
    p.line('epoch 1 done');
    p.step(2, 2);
    const t = s.text();
    expect(t).toContain('\r\x1b[K[sentiment] ############.............  50% 1/2 0s');
    expect(t).toContain('\r\x1b[K[sentiment] epoch 1 done\n');
    expect(t.endsWith(' 100% 2/2 0s\n')).toBe(true);
  });

  it('prints nothing when quiet', () => {
    const s = sink(false);
    const p = createProgress({ quiet: true, out: s.out });
    p.stage('heads');
    p.step(1, 1);
    p.line('x');
    expect(s.text()).toBe('');
  });
});
