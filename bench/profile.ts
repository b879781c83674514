/**
 * Where a CPU profile's time went: self time per function and per part of the code (our folders,
 * each dependency, Node internals, garbage collection), as shares of the busy (non-idle) time.
 * Reads the V8 format `node --cpu-prof` and the inspector's Profiler.stop produce.
 */
import { Session } from 'node:inspector/promises';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  /** Share of busy time by part of the code, largest first. */
  parts: { part: string; share: number }[];
  /** Share of busy time by function (self time), largest first. */
  functions: { fn: string; share: number }[];
}

/** engine/privacy, engine/model, node_modules/@clickhouse/client, (garbage collector), node:internal ... */
function partOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node:internal');
  const m = /\/(engine|connectors|bench|simulator|cli)\/([^/]+)/.exec(url);
  return m ? `${m[1]}/${m[2]!.replace(/\.(ts|js)$/, '')}` : url;
}

/** The path from the top-level folder (engine/pipeline/score.js) or the package (rxjs/dist/...), for function labels. */
function fileOf(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/((?:engine|connectors|bench|simulator|cli)\/.*)$/.exec(url);
  return m ? m[1]! : url;
}

export function summarizeProfile(p: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parts = new Map<string, number>();
  const fns = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    const part = partOf(f.url, f.functionName);
    parts.set(part, (parts.get(part) ?? 0) + dt);
    const where = f.url ? `${fileOf(f.url)}:${f.lineNumber + 1}` : part;
    const fn = `${f.functionName || '(anonymous)'} ${where}`;
    fns.set(fn, (fns.get(fn) ?? 0) + dt);
  });
  const shares = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round((v / busy) * 1000) / 1000] as const);
  return {
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    parts: shares(parts).map(([part, share]) => ({ part, share })),
    functions: shares(fns).map(([fn, share]) => ({ fn, share })),
  };
}

/** Profiles this thread (the main thread) from start() until the returned stop(). */
export async function profileMainThread(): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      return profile;
    },
  };
}
