import { Command, InvalidArgumentError, Option } from 'commander';
import { runStart } from './start.ts';
import { runScore } from './score.ts';
import { runSimulate } from './simulate.ts';
import { runSimulateActions } from './simulateActions.ts';
import { runTrain } from './train.ts';
import { BENCH_MODES, runBench } from './bench.ts';
import { FEED_MODES } from '../engine/config/index.ts';
import { runConnector } from './connector.ts';
import { runEval } from './eval.ts';
import { runGate } from './gate.ts';
import { runReport } from './report.ts';
import { runEvalRedaction } from './evalRedaction.ts';
import { runErase } from './erase.ts';

const positiveNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};
const positiveInt = (v: string) => {
  const n = positiveNumber(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
/** A comma list of whole numbers >= 0: `0,1,2`. */
const intList = (v: string) => {
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 0)) throw new InvalidArgumentError('must be a comma list of whole numbers, e.g. 0,1,2');
  return xs;
};
/** A comma list of allowed words, in the order given. */
const wordList = <T extends string>(allowed: readonly T[]) => (v: string): T[] => {
  const xs = v.split(',').map((x) => x.trim());
  const bad = xs.filter((x) => !(allowed as readonly string[]).includes(x));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown ${bad.join(', ')}; one or more of ${allowed.join(', ')}`);
  return xs as T[];
};
const benchModes = wordList(BENCH_MODES);
const feedModes = wordList(FEED_MODES);
const negativeBias = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < -3 || n > 3) throw new InvalidArgumentError('must be a number from -3 to 3');
  return n;
};
/** A comma list of shares in (0, 1], e.g. "0.7,0.8". */
const shares = (v: string): number[] => {
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x <= 0 || x > 1)) throw new InvalidArgumentError('must be one or more numbers in (0, 1], comma-separated');
  return xs;
};
const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const program = new Command('cxpulse')
  .description('Real-time customer-experience scoring engine: NATS JetStream in, TensorFlow.js scores, ClickHouse and WebSocket out')
  .showHelpAfterError();

program
  .command('start')
  .description('run the engine (configuration from environment variables: see README)')
  .option('--port <n>', 'HTTP port (overrides PORT)', positiveInt)
  .action((o: { port?: number }) => runStart(o));

program
  .command('score')
  .description('score JSONL {"text","lang"?} lines from stdin; one JSONL result per line on stdout, in order')
  .option('--model <dir>', 'model folder (default: models/sentiment)')
  .option('--batch <n>', 'lines per forward pass', positiveInt, 256)
  .action((o: { model?: string; batch: number }) => runScore(o));

program
  .command('eval')
  .description('score a labelled JSONL/CSV file ({"text","label","lang"?}) with the model and the sentiment / vader-sentiment packages; accuracy, macro-F1, per-class P/R/F1, confusion, side by side')
  .requiredOption('--data <file>', 'labelled JSONL or CSV file')
  .option('--model <dir>', 'model folder (default: models/sentiment)')
  .option('--json <file>', 'also write all figures as JSON to this file')
  .option('--no-baselines', 'score with the model only')
  .option('--negative-bias <x>', 'added to the model\'s negative logit, -3..3, as CXPULSE_SENTIMENT_NEGATIVE_BIAS does in the engine (default 0)', negativeBias)
  .option('--no-class-offsets', 'score without the per-language class offsets the model folder\'s manifest may hold (the engine applies them)')
  .option('--negative-precision <p>', 'print the negative bias with the highest negative recall at this negative precision or more (comma list; default 0.7)', shares)
  .option('--negative-recall <r>', 'print the smallest negative bias that reaches this negative recall, and its precision (comma list; default 0.8)', shares)
  .action((o: { data: string; model?: string; json?: string; baselines: boolean; negativeBias?: number; classOffsets: boolean; negativePrecision?: number[]; negativeRecall?: number[] }) => runEval(o));

program
  .command('eval-redaction')
  .description('precision and recall per kind of the PII redaction on a labelled JSONL file ({"lang","text","spans":[{"start","end","label"}]}), and the dates, amounts and look-alikes it left alone')
  .option('--data <file>', 'labelled JSONL file', 'test/privacy/redaction-fixture.jsonl')
  .option('--no-names', 'score without the best-effort address and name redaction (CXPULSE_REDACT_NAMES_ADDRESSES=off)')
  .option('--verbose', 'list every missed span and every wrong redaction')
  .option('--json <file>', 'also write the figures as JSON to this file')
  .action((o: { data: string; names: boolean; verbose?: boolean; json?: string }) => runEvalRedaction(o));

program
  .command('erase')
  .description('erase one customer (the id as sent, or its pseudonym) from ClickHouse or the file store, the customer-state bucket and the messages JetStream holds; the report says what went where')
  .requiredOption('--customer <id>', 'the customer id as the source sent it, or its pseudonym (cxp_...)')
  .option('--url <url>', 'erase through a running engine (DELETE /v1/customers/:id), which also clears its memory')
  .option('--token <jwt>', 'with --url: a bearer token with role admin')
  .action((o: { customer: string; url?: string; token?: string }) => runErase(o));

program
  .command('gate')
  .description('check the sentiment model against the registered held-out parts of real labelled sets (models/sentiment/quality-gate.json): macro-F1 and per-class recall floors; exit 1 on a miss')
  .option('--data <dir>', 'labelled data folder', '../shared/data')
  .option('--model <dir>', 'model folder (default: models/sentiment)')
  .option('--write', 'measure the model and write it as the new reference (floors) instead of checking')
  .option('--heads', 'check the urgency, formality and topic heads on their hand-written held-out lines (data/heads) against models/sentiment/heads/quality-gate.json instead')
  .option('--emotion', 'check the emotion head\'s direction against the human sentiment labels of the held-out parts in --data (every language) against models/sentiment/heads/emotion-gate.json instead')
  .action((o: { data: string; model?: string; write?: boolean; heads?: boolean; emotion?: boolean }) => runGate(o));

program
  .command('report <kind>')
  .description('write the daily sentiment report or the weekly trend warnings (Markdown, HTML, SVG) from ClickHouse')
  .option('--date <YYYY-MM-DD>', 'day reported on (weekly: last day of the week); default yesterday, UTC')
  .option('--out <dir>', 'output folder', 'reports')
  .option('--db <name>', 'ClickHouse database (overrides CLICKHOUSE_DB)')
  .action((kind: string, o: { date?: string; out?: string; db?: string }) => runReport(kind, o));

program
  .command('simulate')
  .description('publish realistic multilingual chat, email and call traffic')
  .option('--rate <n>', 'events per second', positiveNumber, 20)
  .option('--count <n>', 'stop after this many events', positiveInt)
  .option('--duration <s>', 'stop after this many seconds', positiveNumber)
  .option('--seed <n>', 'random seed (same seed, same traffic and ids: a replay is deduplicated); default random', positiveInt)
  .option('--languages <list>', 'comma-separated subset of en,sv,nb,da,de', list)
  .option('--channels <list>', 'comma-separated subset of chat,email,call', list)
  .option('--target <url>', 'nats://host:port (JetStream; a comma list for a cluster) or http://host:port (the engine HTTP ingest); default: NATS_URL, else local NATS if it answers, else http://127.0.0.1:8080')
  .action((o) => runSimulate(o));

program
  .command('simulate-actions')
  .description('a simulated month through the next-best-action engine and the churn model: picks per week, hold-out, uplift against the simulated truth')
  .option('--customers <n>', 'customers', positiveInt, 1000)
  .option('--days <n>', 'days of traffic', positiveInt, 30)
  .option('--seed <n>', 'random seed', positiveInt, 7)
  .option('--holdout <pct>', 'hold-out percent', positiveNumber, 20)
  .action((o: { customers: number; days: number; seed: number; holdout: number }) => runSimulateActions(o));

program
  .command('connector <name>')
  .description('run one connector on its own (chat, calls, crm, email), publishing to NATS_URL or local NATS; crm --csv imports a file and exits')
  .option('--port <n>', 'HTTP port (default CXPULSE_CONNECTOR_PORT or 8081)', positiveInt)
  .option('--host <host>', 'listen address (default HOST)')
  .option('--nats <url>', 'NATS server, or a comma list of a cluster\'s servers (overrides NATS_URL)')
  .option('--dir <dir>', 'calls: folder to watch (overrides CXPULSE_CALLS_DIR)')
  .option('--csv <file>', 'crm: import business events from this CSV file and exit')
  .action((name: string, o) => runConnector(name, o));

program
  .command('train')
  .description('train the sentiment model from labelled data and write a versioned model folder')
  .option('--data <dir>', 'labelled data folder', '../shared/data')
  .option('--out <dir>', 'model folder to write (default models/sentiment, or models/churn with --churn); the JSONL file with --export-heldout')
  .option('--churn', 'train the churn model (Telco data) instead of the sentiment model')
  .option('--stability <seeds>', 'churn: also report held-out AUC over these extra split seeds, e.g. 1,2,3', (v: string) => v.split(',').map(Number))
  .option('--seed <n>', 'random seed', positiveInt, 42)
  .option('--epochs <n>', 'training epochs', positiveInt)
  .option('--no-heads', 'train the main sentiment model only, not its heads')
  .option('--heads-only', 'retrain only the heads (emotion, topic, urgency, formality) against the existing model in --out')
  .option('--sets <names>', "public sets to train on, comma-separated (default: all in --data); 'none' trains on --own files alone")
  .option('--own <files>', "your own labelled tickets (JSONL {\"text\",\"label\",\"lang\"?} or CSV, as eval reads them), comma-separated; added to the training data")
  .option('--hyper <spec>', 'hyper-parameter overrides of the sentiment model, e.g. featureDropout=0.3,set.nb-norec-sentence=2')
  .option('--budget <s>', 'time budget in seconds', positiveInt, 840)
  .option('--ablation', 'write what each training set contributes: retrain without each set (--sets limits which) and without the word-list prior; ABLATION.md and ablation.json in --out (default models/sentiment); the model is not changed')
  .option('--fit-offsets', 'fit the per-language logit scales and class offsets of the model in --out on the validation parts (no retraining), re-score its held-out parts and rewrite metrics.json and MODEL_CARD.md; the manifest applies the scales unless --hyper classScales=0 and the offsets with --hyper classOffsets=1')
  .option('--export-heldout <set>', 'write the held-out part of a data set as JSONL to --out (for cxpulse eval) instead of training')
  .option('--part <part>', 'with --export-heldout: test (default) or valid')
  .action((o) => runTrain(o));

program
  .command('bench')
  .description('measure scoring throughput and end-to-end latency (see bench/README.md)')
  .option('--events <n>', 'events to push through the engine', positiveInt, 5000)
  .option('--rate <n>', 'offered load in events per second (0 = as fast as possible)', Number, 0)
  .option('--texts <n>', 'texts for the model-only throughput figure', positiveInt, 20000)
  .option('--json <file>', 'also write the figures as JSON to this file')
  .option('--modes <list>', 'parts to run: model, e2e, drain (backlog drain per CXPULSE_WORKERS), paced (publish -> feed per CXPULSE_FEED_MODE)', benchModes, ['model', 'e2e'])
  .option('--drain-events <n>', 'drain: events queued in JetStream before the engine starts', positiveInt, 60000)
  .option('--workers <list>', 'drain: CXPULSE_WORKERS values, one run each', intList, [0, 1, 2])
  .option('--repeat <n>', 'drain: rounds over the workers values, interleaved (medians reported)', positiveInt, 1)
  .option('--instances <list>', 'drain: also drain the backlog, in 12 partitions, with each of these numbers of engine processes (e.g. 1,3; CXPULSE_WORKERS = the first --workers value)', intList)
  .option('--profile <dir>', 'drain: write a main-thread CPU profile (.cpuprofile) of each drain to this folder and print where the time went')
  .option('--paced-rates <list>', 'paced: offered rates in events/s', intList, [1000, 3000])
  .option('--paced-seconds <n>', 'paced: seconds of traffic per run', positiveInt, 10)
  .option('--paced-warmup <n>', 'paced: seconds of unmeasured traffic at the same rate before each run', (v: string) => intList(v)[0]!, 3)
  .option('--feed-modes <list>', 'paced: CXPULSE_FEED_MODE values to compare', feedModes, ['live', 'durable'])
  .addOption(new Option('--engine <where>', 'e2e and paced: the engine inline in the bench process, or in its own process (cxpulse start from dist/: the publisher and feed client do not share its thread)').choices(['inline', 'process']).default('inline'))
  .action((o) => runBench(o));

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(`cxpulse: ${(e as Error).message}\n`);
  process.exit(1);
});
