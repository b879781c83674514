/**
 * Small inline SVG charts for the reports: no library, no script, no external fonts, so the
 * HTML file is self-contained and mail clients and GitHub can show it.
 */

export interface Bar {
  label: string;
  value: number;
  /** Optional second value drawn as a dot (e.g. mean sentiment over a volume bar). */
  mark?: number;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const fmt = (n: number): string => (Math.round(n * 100) / 100).toString();

/**
 * Vertical bars with labels under every `labelEvery`-th bar; `mark` values (in markMin..markMax)
 * are drawn as a line with dots on a second scale.
 */
export function barChart(title: string, bars: readonly Bar[], opts: { labelEvery?: number; markMin?: number; markMax?: number; color?: string } = {}): string {
  const w = 480;
  const h = 160;
  const pad = { l: 36, r: 8, t: 20, b: 24 };
  const plotW = w - pad.l - pad.r;
  const plotH = h - pad.t - pad.b;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = bars.length > 0 ? plotW / bars.length : plotW;
  const every = opts.labelEvery ?? 1;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="10">`);
  parts.push(`<title>${escapeXml(title)}</title>`);
  parts.push(`<text x="${pad.l}" y="12" font-size="11" font-weight="bold">${escapeXml(title)}</text>`);
  parts.push(`<line x1="${pad.l}" y1="${pad.t + plotH}" x2="${w - pad.r}" y2="${pad.t + plotH}" stroke="#999"/>`);
  parts.push(`<text x="${pad.l - 4}" y="${pad.t + 8}" text-anchor="end">${fmt(max)}</text>`);
  parts.push(`<text x="${pad.l - 4}" y="${pad.t + plotH}" text-anchor="end">0</text>`);
  bars.forEach((b, i) => {
    const bh = (Math.max(0, b.value) / max) * plotH;
    const x = pad.l + i * slot + slot * 0.1;
    parts.push(`<rect x="${fmt(x)}" y="${fmt(pad.t + plotH - bh)}" width="${fmt(slot * 0.8)}" height="${fmt(bh)}" fill="${opts.color ?? '#4e79a7'}"><title>${escapeXml(`${b.label}: ${fmt(b.value)}`)}</title></rect>`);
    if (i % every === 0) parts.push(`<text x="${fmt(x + slot * 0.4)}" y="${h - 10}" text-anchor="middle">${escapeXml(b.label)}</text>`);
  });
  const lo = opts.markMin ?? -1;
  const hi = opts.markMax ?? 1;
  const marks = bars.flatMap((b, i) => (b.mark === undefined ? [] : [{ i, y: pad.t + plotH - ((b.mark - lo) / (hi - lo || 1)) * plotH, v: b.mark }]));
  if (marks.length > 0) {
    const pts = marks.map((m) => `${fmt(pad.l + m.i * slot + slot / 2)},${fmt(m.y)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="#e15759" stroke-width="1.5"/>`);
    for (const m of marks) parts.push(`<circle cx="${fmt(pad.l + m.i * slot + slot / 2)}" cy="${fmt(m.y)}" r="2" fill="#e15759"><title>${fmt(m.v)}</title></circle>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A text sparkline for Markdown, where inline SVG is not rendered everywhere. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => BLOCKS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1))] ?? '▁').join('');
}
