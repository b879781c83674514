import { loadConfig } from '../engine/config/index.ts';
import type { ErasureReport } from '../engine/event/index.ts';
import { createLogger } from '../engine/observability/index.ts';
import { eraseWithoutEngine } from '../engine/runtime/index.ts';

export interface EraseCliOptions {
  customer: string;
  /** A running engine: erase through its DELETE /v1/customers/:id (reaches its memory too). */
  url?: string;
  /** Bearer token with role admin for `--url`. */
  token?: string;
}

/** `cxpulse erase --customer ID`: prints the report as JSON on stdout, a summary on stderr; exit 1 when a place failed. */
export async function runErase(o: EraseCliOptions): Promise<void> {
  let report: ErasureReport;
  if (o.url) {
    const res = await fetch(new URL(`/v1/customers/${encodeURIComponent(o.customer)}`, o.url), { method: 'DELETE', headers: o.token ? { authorization: `Bearer ${o.token}` } : {} });
    const body = (await res.json()) as ErasureReport | { error: { code: string; message: string } };
    if (!res.ok || 'error' in body) throw new Error(`${o.url} answered ${res.status}: ${'error' in body ? `${body.error.code} ${body.error.message}` : ''}`);
    report = body;
  } else {
    const cfg = loadConfig();
    report = await eraseWithoutEngine(cfg, createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL), o.customer);
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const p of report.places) process.stderr.write(`  ${p.place.padEnd(10)} ${p.what}: ${p.removed} removed\n`);
  for (const f of report.failures) process.stderr.write(`  FAILED     ${f.what}: ${f.message}\n`);
  process.stderr.write(`${report.removed} items removed${report.logged ? '; erasure logged' : ''}${o.url ? '' : '. Engines running now may still hold the customer in memory (conversations, cues, feed snapshot): DELETE /v1/customers/:id on each, or cxpulse erase --url'}\n`);
  if (!report.complete) process.exitCode = 1;
}
