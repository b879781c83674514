// Small inline SVG charts built with DOM calls (no markup strings), sized by viewBox so CSS
// decides their on-screen size.
const NS = 'http://www.w3.org/2000/svg';

function svg(w, h, cls) {
  const s = document.createElementNS(NS, 'svg');
  s.setAttribute('viewBox', `0 0 ${w} ${h}`);
  s.setAttribute('preserveAspectRatio', 'none');
  s.setAttribute('class', cls);
  s.setAttribute('aria-hidden', 'true');
  return s;
}

function node(name, attrs) {
  const n = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

/** Sentiment sparkline, values in -1..1, with the zero line; the last point is marked. */
export function sparkline(values, cls = 'spark', w = 120, h = 36) {
  const s = svg(w, h, cls);
  const y = (v) => (h / 2) * (1 - Math.max(-1, Math.min(1, v))) ;
  s.appendChild(node('line', { x1: 0, x2: w, y1: h / 2, y2: h / 2, class: 'zero' }));
  if (values.length === 0) return s;
  const step = values.length > 1 ? (w - 8) / (values.length - 1) : 0;
  const pts = values.map((v, i) => `${(4 + i * step).toFixed(1)},${y(v).toFixed(1)}`);
  if (values.length > 1) s.appendChild(node('polyline', { points: pts.join(' '), class: 'line' }));
  const last = values[values.length - 1];
  s.appendChild(node('circle', { cx: 4 + (values.length - 1) * step, cy: y(last), r: 3.5, class: last <= -0.2 ? 'dot neg' : last >= 0.2 ? 'dot pos' : 'dot' }));
  return s;
}

/** Volume bars, one per minute, oldest left. */
export function bars(counts, cls = 'bars') {
  const w = 150;
  const h = 40;
  const s = svg(w, h, cls);
  const max = Math.max(1, ...counts);
  const bw = w / counts.length;
  counts.forEach((c, i) => {
    const bh = (c / max) * (h - 2);
    s.appendChild(node('rect', { x: i * bw + 1, y: h - bh, width: Math.max(1, bw - 2), height: bh, class: 'vol' }));
  });
  // The baseline shows the whole 15-minute span even when only the last minute has traffic.
  s.appendChild(node('line', { x1: 0, x2: w, y1: h - 0.5, y2: h - 0.5, class: 'base' }));
  return s;
}

/** Mean sentiment per minute as bars up (positive) or down (negative) from a zero line; null = no data. */
export function divergingBars(means, cls = 'bars') {
  const w = 150;
  const h = 40;
  const s = svg(w, h, cls);
  const bw = w / means.length;
  s.appendChild(node('line', { x1: 0, x2: w, y1: h / 2, y2: h / 2, class: 'zero' }));
  means.forEach((m, i) => {
    if (m === null) return;
    const bh = Math.max(1, Math.abs(m) * (h / 2 - 1));
    s.appendChild(node('rect', { x: i * bw + 1, y: m >= 0 ? h / 2 - bh : h / 2, width: Math.max(1, bw - 2), height: bh, class: m <= -0.2 ? 'neg' : m >= 0.2 ? 'pos' : 'neu' }));
  });
  return s;
}

/**
 * A ranked list of label -> count as meters (top languages, top topics): `entries` sorted by the
 * caller. Built with DOM calls into `list` (an <ol>), replacing what was there.
 */
export function meterList(list, entries, badgeClass) {
  while (list.firstChild) list.removeChild(list.firstChild);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  for (const [label, n] of entries) {
    const li = document.createElement('li');
    li.className = 'lang-row';
    li.dataset.label = label;
    const b = document.createElement('span');
    b.className = `badge ${badgeClass}`;
    b.textContent = label;
    const meter = document.createElement('meter');
    meter.max = max;
    meter.value = n;
    const total = document.createElement('span');
    total.className = 'total';
    total.textContent = String(n);
    li.append(b, meter, total);
    list.appendChild(li);
  }
}
