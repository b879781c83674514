/**
 * k6 scenario `ingest` of cxpulse's load kit. HTTP ingest alone: POST /v1/events at RATE events/s (default 200), one event per request, or BATCH events per request (an array), for DURATION (30s).
 *
 *     k6 run -e CXPULSE_URL=http://engine:8080 -e CXPULSE_TOKEN=<jwt> bench/k6/ingest.ts
 *
 * Settings, tokens and thresholds: README "Load testing (k6 and without k6)". The twin that runs
 * without k6: `npm run load -- --scenario ingest`.
 */
import { planFrom } from './lib/plan.ts';
import { overridesFrom, thresholdsFor, type ThresholdsFile } from './lib/thresholds.ts';
import { k6Options, setupRun } from './lib/k6.ts';

const plan = planFrom('ingest', __ENV);
const file = JSON.parse(open('./thresholds.json')) as ThresholdsFile;

export const options = k6Options(plan, thresholdsFor('ingest', file, overridesFrom(__ENV.THRESHOLDS)));

export function setup() {
  return setupRun(plan);
}

export { ingest, wallboard, agent } from './lib/k6.ts';
