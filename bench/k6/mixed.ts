/**
 * k6 scenario `mixed` of cxpulse's load kit. A contact centre: RATE (default 200) events/s in requests of BATCH (10) for DURATION (60s), AGENTS (10) agents reading their conversations and WALLBOARDS (2) wallboards reading everything.
 *
 *     k6 run -e CXPULSE_URL=http://engine:8080 -e CXPULSE_TOKEN=<jwt> bench/k6/mixed.ts
 *
 * Settings, tokens and thresholds: README "Load testing (k6 and without k6)". The twin that runs
 * without k6: `npm run load -- --scenario mixed`.
 */
import { planFrom } from './lib/plan.ts';
import { overridesFrom, thresholdsFor, type ThresholdsFile } from './lib/thresholds.ts';
import { k6Options, setupRun } from './lib/k6.ts';

const plan = planFrom('mixed', __ENV);
const file = JSON.parse(open('./thresholds.json')) as ThresholdsFile;

export const options = k6Options(plan, thresholdsFor('mixed', file, overridesFrom(__ENV.THRESHOLDS)));

export function setup() {
  return setupRun(plan);
}

export { ingest, wallboard, agent } from './lib/k6.ts';
