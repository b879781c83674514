import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The helm binary of the chart tests: the one scripts/services-helm.sh builds into
 * $(go env GOPATH)/bin, else `helm` on PATH (CXPULSE_HELM overrides both). Undefined: none.
 */
export const HELM_VERSION = 'v4.3.2';
export const CHART = resolve(import.meta.dirname, '..', '..', 'deploy', 'helm', 'cxpulse');

function findHelm(): string | undefined {
  if (process.env.CXPULSE_HELM) return process.env.CXPULSE_HELM;
  try {
    const built = join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'helm');
    if (existsSync(built)) return built;
  } catch {
    // No Go: try PATH.
  }
  try {
    execFileSync('helm', ['version'], { stdio: 'ignore' });
    return 'helm';
  } catch {
    return undefined;
  }
}

export const HELM = findHelm();
if (!HELM) {
  // On CI a missing helm is a broken machine, not a reason to pass quietly.
  if (process.env.CI && process.env.CI !== 'false') throw new Error(`helm is missing and CI is set: build it with bash scripts/services-helm.sh (go install helm.sh/helm/v4/cmd/helm@${HELM_VERSION})`);
  console.warn(`[helm tests] skipped: no helm; build it with: bash scripts/services-helm.sh (needs Go; go install helm.sh/helm/v4/cmd/helm@${HELM_VERSION})`);
}

/** Runs helm; throws with its output when it fails. */
export function helm(args: string[]): string {
  if (!HELM) throw new Error('no helm');
  try {
    return execFileSync(HELM, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed: ${err.stderr ?? ''}${err.stdout ?? ''}`.trim(), { cause: e });
  }
}

/** A rendered Kubernetes object (only the fields the tests read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** `helm template` of the chart with these `--set` values, parsed. */
export function render(set: Record<string, string | number | boolean> = {}, release = 'cxpulse'): K8sObject[] {
  const args = ['template', release, CHART, '--namespace', 'cx'];
  // A comma separates --set assignments: one inside a value (a NATS server list) is escaped.
  for (const [k, v] of Object.entries(set)) args.push(typeof v === 'string' ? '--set-string' : '--set', `${k}=${String(v).replace(/,/g, '\\,')}`);
  const out = helm(args);
  const docs = parseAllDocuments(out);
  for (const d of docs) if (d.errors.length > 0) throw new Error(`helm template gave invalid YAML: ${d.errors[0]?.message}`);
  return docs.map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null);
}

/** The one object of a kind (and name, when given); throws when there is none or more than one. */
export function one(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0] as K8sObject;
}
