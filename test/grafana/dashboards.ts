/** Reading the provisioned dashboards and pulling out every query a ClickHouse panel or variable sends. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARD_DIR = new URL('../../grafana/dashboards/', import.meta.url).pathname;
export const CLICKHOUSE_TYPE = 'grafana-clickhouse-datasource';

export interface Dashboard {
  file: string;
  json: Record<string, unknown>;
}

export interface ExtractedQuery {
  file: string;
  /** "panel 7 "Title" target A" or "variable customer". */
  where: string;
  sql: string;
  kind: 'panel' | 'variable';
  variable?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export function loadDashboards(): Dashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Obj }));
}

function dsType(ds: unknown, fallback: unknown): string | undefined {
  const d = isObj(ds) ? ds : isObj(fallback) ? fallback : undefined;
  return typeof d?.type === 'string' ? d.type : undefined;
}

/** Panels including those nested in collapsed rows. */
export function panelsOf(d: Obj): Obj[] {
  return list(d.panels).flatMap((p) => [p, ...list(p.panels)]);
}

/**
 * Every ClickHouse query: each target of each panel (the target's datasource, else the panel's)
 * and each query variable on the ClickHouse datasource (its query is a string or {rawSql}).
 */
export function extractQueries(dash: Dashboard): ExtractedQuery[] {
  const out: ExtractedQuery[] = [];
  for (const p of panelsOf(dash.json)) {
    for (const t of list(p.targets)) {
      if (dsType(t.datasource, p.datasource) !== CLICKHOUSE_TYPE) continue;
      if (typeof t.rawSql !== 'string') throw new Error(`${dash.file}: panel ${String(p.id)} target ${String(t.refId)} has no rawSql`);
      out.push({ file: dash.file, where: `panel ${String(p.id)} "${String(p.title)}" target ${String(t.refId)}`, sql: t.rawSql, kind: 'panel' });
    }
  }
  const templating = isObj(dash.json.templating) ? dash.json.templating : {};
  for (const v of list(templating.list)) {
    if (v.type !== 'query' || dsType(v.datasource, undefined) !== CLICKHOUSE_TYPE) continue;
    const q = v.query;
    const sql = typeof q === 'string' ? q : isObj(q) && typeof q.rawSql === 'string' ? q.rawSql : undefined;
    if (sql === undefined) throw new Error(`${dash.file}: variable ${String(v.name)} has no SQL query`);
    out.push({ file: dash.file, where: `variable ${String(v.name)}`, sql, kind: 'variable', variable: String(v.name) });
  }
  return out;
}

/** Every `rawSql` string anywhere in the JSON: the walk above must have found each of them. */
export function allRawSql(v: unknown, acc: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) allRawSql(x, acc);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) (k === 'rawSql' && typeof x === 'string' ? acc.push(x) : allRawSql(x, acc));
  return acc;
}

/** Every `datasource` reference ({type, uid}) anywhere in the JSON. */
export function datasourceRefs(v: unknown, acc: Obj[] = []): Obj[] {
  if (Array.isArray(v)) for (const x of v) datasourceRefs(x, acc);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) (k === 'datasource' && isObj(x) ? acc.push(x) : datasourceRefs(x, acc));
  return acc;
}
