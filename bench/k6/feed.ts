/**
 * k6 scenario `feed` of cxpulse's load kit. The feed's fan-out: WALLBOARDS (default 20) supervisor subscribers and AGENTS (0) agent subscribers on GET /v1/feed while RATE (20) events/s are posted for DURATION (30s); publish -> feed latency and dropped events per subscriber.
 *
 *     k6 run -e CXPULSE_URL=http://engine:8080 -e CXPULSE_TOKEN=<jwt> bench/k6/feed.ts
 *
 * Settings, tokens and thresholds: README "Load testing (k6 and without k6)". The twin that runs
 * without k6: `npm run load -- --scenario feed`.
 */
import { planFrom } from './lib/plan.ts';
import { overridesFrom, thresholdsFor, type ThresholdsFile } from './lib/thresholds.ts';
import { k6Options, setupRun } from './lib/k6.ts';

const plan = planFrom('feed', __ENV);
const file = JSON.parse(open('./thresholds.json')) as ThresholdsFile;

export const options = k6Options(plan, thresholdsFor('feed', file, overridesFrom(__ENV.THRESHOLDS)));

export function setup() {
  return setupRun(plan);
}

export { ingest, wallboard, agent } from './lib/k6.ts';
