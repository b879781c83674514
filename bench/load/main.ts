/**
 * `npm run load -- --scenario ingest|feed|mixed [options]`: the k6 scenarios (bench/k6) without
 * k6. Prints the same metrics and applies the same thresholds (bench/k6/thresholds.json).
 * Exit 0: every threshold held; 99: a threshold failed (as k6); 2: the run could not start
 * (engine not reachable, token refused, a bad setting); 1: anything else.
 */
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { PLAN_SETTINGS, SCENARIOS, planFrom } from '../k6/lib/plan.ts';
import { TOKEN_SETTINGS } from '../k6/lib/tokens.ts';
import { overridesFrom, thresholdsFor } from '../k6/lib/thresholds.ts';
import { formatSummary } from './report.ts';
import { LoadError, readThresholdsFile, runLoad } from './run.ts';

/** Exit code of a run whose thresholds failed: k6's. */
export const THRESHOLDS_FAILED_EXIT = 99;
export const CANNOT_RUN_EXIT = 2;

const program = new Command('npm run load --')
  .description('load an engine like the k6 scripts in bench/k6 do, without k6 (settings: README "Load testing (k6 and without k6)")')
  .addOption(new Option('--scenario <name>', 'what to run').choices(SCENARIOS).makeOptionMandatory())
  .option('--url <url>', 'the engine (env CXPULSE_URL; default http://127.0.0.1:8080)')
  .option('--rate <n>', 'events per second posted (env RATE)')
  .option('--batch <n>', 'events per request: 1 posts one object, more an array (env BATCH)')
  .option('--duration <time>', 'ingest time: 30, 30s, 2m (env DURATION)')
  .option('--agents <n>', 'agent subscribers, each with its own conversations (env AGENTS)')
  .option('--wallboards <n>', 'wallboard subscribers reading everything (env WALLBOARDS)')
  .option('--grace <time>', 'how long subscribers wait for the last events after the ingest (env GRACE)')
  .option('--token <jwt>', 'token for the ingest and the wallboards, e.g. an admin token (env CXPULSE_TOKEN)')
  .option('--ingest-token <jwt>', 'token for POST /v1/events, role ingest or admin (env CXPULSE_INGEST_TOKEN)')
  .option('--feed-token <jwt>', 'token of the wallboards, role supervisor or admin (env CXPULSE_FEED_TOKEN)')
  .option('--agent-tokens <list>', "comma-separated agent tokens, one per agent; each token's sub is the agent id (env CXPULSE_AGENT_TOKENS)")
  .option('--thresholds <json>', 'threshold overrides, e.g. \'{"feed_latency":["p(99)<250"]}\' (env THRESHOLDS)')
  .option('--connections <n>', 'HTTP connections (default one per 10 requests/s)')
  .option('--json <file>', 'also write the result as JSON')
  // A usage error is "could not start" too; --help exits 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : CANNOT_RUN_EXIT))
  .addHelpText('after', '\nCXPULSE_JWT_SECRET in the environment signs the tokens not given (a test engine\'s secret).\nExit: 0 thresholds held, 99 a threshold failed, 2 the run could not start.');

const FLAG_OF: Record<string, string> = {
  CXPULSE_URL: 'url', RATE: 'rate', BATCH: 'batch', DURATION: 'duration', AGENTS: 'agents', WALLBOARDS: 'wallboards', GRACE: 'grace',
  CXPULSE_TOKEN: 'token', CXPULSE_INGEST_TOKEN: 'ingestToken', CXPULSE_FEED_TOKEN: 'feedToken', CXPULSE_AGENT_TOKENS: 'agentTokens', THRESHOLDS: 'thresholds',
};

async function main(): Promise<number> {
  program.parse();
  const flags = program.opts<Record<string, string | undefined>>();
  // Flags win over the environment; both use the k6 scripts' setting names from here on.
  const settings: Record<string, string | undefined> = {};
  for (const name of [...Object.keys(PLAN_SETTINGS), ...TOKEN_SETTINGS, 'THRESHOLDS']) {
    const flag = FLAG_OF[name];
    settings[name] = (flag === undefined ? undefined : flags[flag]) ?? process.env[name];
  }
  const scenario = flags.scenario!;
  let plan, thresholds;
  try {
    plan = planFrom(scenario, settings);
    thresholds = thresholdsFor(plan.scenario, await readThresholdsFile(), overridesFrom(settings.THRESHOLDS));
  } catch (e) {
    process.stderr.write(`load: ${(e as Error).message}\n`);
    return CANNOT_RUN_EXIT;
  }
  const connections = flags.connections === undefined ? undefined : Number(flags.connections);
  if (connections !== undefined && (!Number.isInteger(connections) || connections < 1)) {
    process.stderr.write(`load: --connections must be a whole number >= 1, got '${flags.connections}'\n`);
    return CANNOT_RUN_EXIT;
  }
  try {
    const result = await runLoad({
      plan,
      tokenSettings: settings,
      thresholds,
      ...(connections === undefined ? {} : { connections }),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`\n${formatSummary(result)}\n`);
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? 0 : THRESHOLDS_FAILED_EXIT;
  } catch (e) {
    if (e instanceof LoadError) {
      process.stderr.write(`load: ${e.message}\n`);
      return CANNOT_RUN_EXIT;
    }
    throw e;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`load: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
