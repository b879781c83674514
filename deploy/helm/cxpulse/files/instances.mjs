// Runs the engine with CXPULSE_INSTANCES set to its StatefulSet's replica count, read from the
// Kubernetes API, and restarts the engine when that count changes. Needed with KEDA: it changes
// the StatefulSet's replicas and not its pod template, so the count cannot be a template value,
// and every instance must agree on it (instance i owns the partitions k with k % N == i).
//
//   node instances.mjs <command> [args...]      e.g. node instances.mjs node bin/cxpulse.js start
//
// Environment: CXPULSE_STATEFULSET (the StatefulSet's name), CXPULSE_INSTANCES_CHECK_SECONDS
// (default 15). The pod's service account (token, CA, namespace in CXPULSE_K8S_SA_DIR, default
// /var/run/secrets/kubernetes.io/serviceaccount) needs `get` on statefulsets/scale; the API is
// CXPULSE_K8S_API, default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT.
// Logs are JSON lines on stderr, like the engine's.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';

const SA_DIR = process.env.CXPULSE_K8S_SA_DIR || '/var/run/secrets/kubernetes.io/serviceaccount';
const API = process.env.CXPULSE_K8S_API || `https://${process.env.KUBERNETES_SERVICE_HOST}:${process.env.KUBERNETES_SERVICE_PORT}`;
const NAME = process.env.CXPULSE_STATEFULSET;
const CHECK_MS = 1000 * Number(process.env.CXPULSE_INSTANCES_CHECK_SECONDS || 15);
const LEVELS = { info: 30, warn: 40, error: 50 };
const log = (level, msg, extra = {}) =>
  process.stderr.write(JSON.stringify({ level: LEVELS[level], time: Date.now(), name: 'cxpulse-instances', ...extra, msg }) + '\n');

const command = process.argv.slice(2);
if (command.length === 0 || !NAME || !(CHECK_MS > 0)) {
  log('error', 'usage: CXPULSE_STATEFULSET=<name> node instances.mjs <command> [args...] (CXPULSE_INSTANCES_CHECK_SECONDS > 0)');
  process.exit(2);
}
const namespace = readFileSync(join(SA_DIR, 'namespace'), 'utf8').trim();
const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/statefulsets/${encodeURIComponent(NAME)}/scale`;

/** spec.replicas of the StatefulSet's scale subresource (the count KEDA sets). */
function replicas() {
  const url = new URL(path, API);
  // Read each time: projected service account tokens are rotated by the kubelet.
  const headers = { authorization: `Bearer ${readFileSync(join(SA_DIR, 'token'), 'utf8').trim()}`, accept: 'application/json' };
  const tls = url.protocol === 'https:';
  const options = tls ? { headers, ca: readFileSync(join(SA_DIR, 'ca.crt')), timeout: 10_000 } : { headers, timeout: 10_000 };
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).get(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
        try {
          const n = JSON.parse(body)?.spec?.replicas;
          if (Number.isInteger(n) && n > 0) resolve(n);
          else reject(new Error(`GET ${path}: no positive spec.replicas in the answer`));
        } catch (e) {
          reject(new Error(`GET ${path}: not JSON: ${e.message}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let child;
let instances;
let stopping = false;
let restarting = false;

function start() {
  log('info', `starting the engine as instance count ${instances}`, { instances });
  child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, CXPULSE_INSTANCES: String(instances) } });
  child.on('exit', (code, signal) => {
    if (restarting && !stopping) {
      restarting = false;
      start();
      return;
    }
    // The engine stopped on its own (or was told to): the container ends with it, so the kubelet restarts it.
    process.exit(code ?? (signal ? 1 : 0));
  });
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    stopping = true;
    if (child && child.exitCode === null) child.kill(sig);
    else process.exit(0);
  });
}

// The first count: the engine cannot start without it, so wait for the API (with a log line per failure).
for (let wait = 1000; instances === undefined && !stopping; wait = Math.min(wait * 2, 30_000)) {
  try {
    instances = await replicas();
  } catch (e) {
    log('warn', `cannot read the replica count yet: ${e.message}`);
    await sleep(wait);
  }
}
if (stopping) process.exit(0);
start();

setInterval(async () => {
  if (stopping || restarting) return;
  let n;
  try {
    n = await replicas();
  } catch (e) {
    // Keep running on the count we have: an API outage must not stop scoring.
    log('warn', `cannot read the replica count: ${e.message}`);
    return;
  }
  if (n === instances || stopping) return;
  log('info', `replica count changed from ${instances} to ${n}: restarting the engine so that partitions are reassigned`, { from: instances, to: n });
  instances = n;
  restarting = true;
  child.kill('SIGTERM');
}, CHECK_MS).unref();
