/**
 * What the running ClickHouse can do. CI runs Debian's 18.16, users run 24+; every
 * statement the store sends is built for the capabilities found here at connect time.
 */

export interface ServerVersion {
  major: number;
  minor: number;
  raw: string;
}

export function parseServerVersion(raw: string): ServerVersion {
  const m = /^(\d+)\.(\d+)/.exec(raw.trim());
  if (!m) throw new Error(`cannot parse ClickHouse version "${raw}"`);
  return { major: Number(m[1]), minor: Number(m[2]), raw: raw.trim() };
}

export interface Capabilities {
  /** LowCardinality(String): experimental (setting-gated) on 18.x, default from 19.x. */
  lowCardinality: boolean;
  /** TTL clauses on MergeTree: 19.6+. */
  ttl: boolean;
  /** DateTime64(3, 'UTC'): 20.1+. Before that, DateTime plus a `ts_ms` column. */
  dateTime64: boolean;
}

export function capabilitiesFor(v: ServerVersion): Capabilities {
  const atLeast = (major: number, minor: number): boolean =>
    v.major > major || (v.major === major && v.minor >= minor);
  return {
    lowCardinality: atLeast(19, 3),
    ttl: atLeast(19, 6),
    dateTime64: atLeast(20, 1),
  };
}
