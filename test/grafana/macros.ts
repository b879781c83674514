/**
 * What Grafana and the ClickHouse plugin (grafana-clickhouse-datasource, pkg/macros/macros.go)
 * do to a dashboard's rawSql before ClickHouse sees it, so tests can run the real text.
 *
 * Order, as in Grafana: template variables are interpolated first (in the frontend), then
 * the plugin expands its `$__` macros (in its backend). The plugin's expansions, with
 * F/T = range start/end in epoch seconds, Fms/Tms in milliseconds, I = interval in seconds (>= 1):
 *
 * | macro | expansion |
 * | --- | --- |
 * | `$__timeFilter(c)` | `c >= toDateTime(F) AND c <= toDateTime(T)` |
 * | `$__timeFilter_ms(c)` | `c >= fromUnixTimestamp64Milli(Fms) AND c <= fromUnixTimestamp64Milli(Tms)` (20.1+ only) |
 * | `$__dateFilter(c)` | `c >= toDate('YYYY-MM-DD') AND c <= toDate('YYYY-MM-DD')` |
 * | `$__dateTimeFilter(d, t)`, `$__dt(d, t)` | `(d >= toDate(..) AND d <= toDate(..)) AND (t >= toDateTime(F) AND t <= toDateTime(T))` |
 * | `$__fromTime`, `$__toTime` | `toDateTime(F)`, `toDateTime(T)` |
 * | `$__fromTime_ms`, `$__toTime_ms` | `fromUnixTimestamp64Milli(Fms)`, `...(Tms)` (20.1+ only) |
 * | `$__timeInterval(c)` | `toStartOfInterval(toDateTime(c), INTERVAL I second)` (not on 18.16) |
 * | `$__timeInterval_ms(c)` | `toStartOfInterval(toDateTime64(c, 3), INTERVAL Ims millisecond)` (20.1+ only) |
 * | `$__interval_s` | `I` |
 *
 * Template variables: `$name`, `${name}`, `[[name]]` (values joined with ','), and the formats
 * `${name:singlequote}` ('a','b' with ' escaped as \') and `${name:sqlstring}` ('a','b' with '
 * doubled) and `${name:csv}`. Anything else that looks like a macro or a variable throws, so a
 * dashboard cannot carry a macro the test does not know how to expand.
 */

export interface ExpandContext {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  /** Template variable values (a multi-value or All variable has several). */
  vars: Record<string, readonly string[]>;
}

/** Macros that need a server with DateTime64 (20.1+) or toStartOfInterval (19.x+): not on 18.16. */
export const MODERN_ONLY_MACROS = ['timeFilter_ms', 'fromTime_ms', 'toTime_ms', 'timeInterval', 'timeInterval_ms'] as const;

export function expandSql(sql: string, ctx: ExpandContext): string {
  return expandMacros(interpolateVariables(sql, ctx.vars), ctx);
}

export function interpolateVariables(sql: string, vars: ExpandContext['vars']): string {
  const value = (name: string, format: string | undefined, whole: string): string => {
    const values = vars[name];
    if (values === undefined) throw new Error(`unknown template variable ${whole}`);
    switch (format) {
      case undefined:
      case 'csv':
        return values.join(',');
      case 'singlequote':
        return values.map((v) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(',');
      case 'sqlstring':
        return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
      default:
        throw new Error(`unknown variable format ${whole}`);
    }
  };
  return sql
    .replace(/\$\{([A-Za-z0-9_]+)(?::([A-Za-z]+))?\}/g, (whole, name: string, format: string | undefined) => {
      if (name.startsWith('__')) throw new Error(`unknown global variable ${whole}`);
      return value(name, format, whole);
    })
    .replace(/\[\[([A-Za-z0-9_]+)\]\]/g, (whole, name: string) => value(name, undefined, whole))
    .replace(/\$(?!__)([A-Za-z][A-Za-z0-9_]*)/g, (whole, name: string) => value(name, undefined, whole));
}

export function expandMacros(sql: string, ctx: Omit<ExpandContext, 'vars'>): string {
  const F = Math.floor(ctx.fromMs / 1000);
  const T = Math.floor(ctx.toMs / 1000);
  const I = Math.max(Math.floor(ctx.intervalMs / 1000), 1);
  const Ims = Math.max(Math.floor(ctx.intervalMs), 1);
  const day = (ms: number): string => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;
  const one = (name: string, args: string[]): string => {
    if (args.length !== 1) throw new Error(`$__${name} takes 1 argument, got ${args.length}`);
    return args[0] as string;
  };
  const two = (name: string, args: string[]): [string, string] => {
    if (args.length !== 2) throw new Error(`$__${name} takes 2 arguments, got ${args.length}`);
    return [args[0] as string, args[1] as string];
  };
  const noArgs = (name: string, args: string[] | null, v: string): string => {
    if (args !== null) throw new Error(`$__${name} takes no arguments`);
    return v;
  };
  const macros: Record<string, (args: string[] | null) => string> = {
    timeFilter: (a) => { const c = one('timeFilter', a ?? []); return `${c} >= toDateTime(${F}) AND ${c} <= toDateTime(${T})`; },
    timeFilter_ms: (a) => { const c = one('timeFilter_ms', a ?? []); return `${c} >= fromUnixTimestamp64Milli(${ctx.fromMs}) AND ${c} <= fromUnixTimestamp64Milli(${ctx.toMs})`; },
    dateFilter: (a) => { const c = one('dateFilter', a ?? []); return `${c} >= ${day(ctx.fromMs)} AND ${c} <= ${day(ctx.toMs)}`; },
    dateTimeFilter: (a) => dateTime(two('dateTimeFilter', a ?? [])),
    dt: (a) => dateTime(two('dt', a ?? [])),
    fromTime: (a) => noArgs('fromTime', a, `toDateTime(${F})`),
    toTime: (a) => noArgs('toTime', a, `toDateTime(${T})`),
    fromTime_ms: (a) => noArgs('fromTime_ms', a, `fromUnixTimestamp64Milli(${ctx.fromMs})`),
    toTime_ms: (a) => noArgs('toTime_ms', a, `fromUnixTimestamp64Milli(${ctx.toMs})`),
    timeInterval: (a) => `toStartOfInterval(toDateTime(${one('timeInterval', a ?? [])}), INTERVAL ${I} second)`,
    timeInterval_ms: (a) => `toStartOfInterval(toDateTime64(${one('timeInterval_ms', a ?? [])}, 3), INTERVAL ${Ims} millisecond)`,
    interval_s: (a) => noArgs('interval_s', a, String(I)),
  };
  function dateTime([d, t]: [string, string]): string {
    return `(${d} >= ${day(ctx.fromMs)} AND ${d} <= ${day(ctx.toMs)}) AND (${t} >= toDateTime(${F}) AND ${t} <= toDateTime(${T}))`;
  }

  let out = '';
  let i = 0;
  for (;;) {
    const at = sql.indexOf('$__', i);
    if (at < 0) return out + sql.slice(i);
    out += sql.slice(i, at);
    const name = /^[A-Za-z0-9_]+/.exec(sql.slice(at + 3))?.[0] ?? '';
    const fn = macros[name];
    if (!fn) throw new Error(`unknown macro $__${name}`);
    let j = at + 3 + name.length;
    let args: string[] | null = null;
    if (sql[j] === '(') {
      const parsed = parseArgs(sql, j);
      args = parsed.args;
      j = parsed.end;
    }
    out += fn(args);
    i = j;
  }
}

/** Arguments of `(a, f(b, c))` starting at the '(' at `open`: split on top-level commas. */
function parseArgs(sql: string, open: number): { args: string[]; end: number } {
  let depth = 0;
  let cur = '';
  const args: string[] = [];
  for (let k = open; k < sql.length; k++) {
    const ch = sql[k] as string;
    if (ch === '(') {
      if (depth++ === 0) continue;
    } else if (ch === ')') {
      if (--depth === 0) {
        if (cur.trim() !== '' || args.length > 0) args.push(cur.trim());
        return { args, end: k + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  throw new Error(`unbalanced parentheses in macro call at ${open}`);
}
