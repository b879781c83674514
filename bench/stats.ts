/** Quantile by the nearest-rank method on a sorted copy; NaN for no data. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(values: readonly number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  return { n: values.length, p50: quantile(values, 0.5), p95: quantile(values, 0.95), p99: quantile(values, 0.99), max: quantile(values, 1) };
}
