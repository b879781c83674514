/**
 * The body of one scoring worker thread (pool.ts starts it). It loads the model folder itself on
 * the TF.js backend the engine chose, then answers `score` requests with featurize + one forward
 * pass of every head (predictAll with the texts, as the main thread does), tagged with the model
 * version it used. Requests run one at a time in arrival order, so a `load` (a reload reached the
 * workers) takes effect between two batches; the previous model is disposed once the new one is in.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from './backend.ts';
import { loadTextScorer, type LoadOptions, type TextScorer } from './scorer.ts';
import type { WorkerReply, WorkerRequest } from './workerProtocol.ts';

interface Start {
  backend: string;
  load: LoadOptions;
}

const port = parentPort;
if (!port) throw new Error('scoreWorker.ts runs as a worker thread (engine/model/pool.ts)');
const start = workerData as Start;
let scorer: TextScorer | undefined;
let queue: Promise<void> = Promise.resolve();

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  if (req.type === 'load') {
    try {
      await initBackend(start.backend);
      const next = await loadTextScorer(req.dir, start.load);
      scorer?.dispose();
      scorer = next;
      return { type: 'loaded', version: next.version };
    } catch (err) {
      return { type: 'load-failed', message: (err as Error).message };
    }
  }
  const s = scorer;
  if (!s) return { type: 'failed', id: req.id, message: 'no model loaded in this worker' };
  try {
    const features = req.texts.map((t, i) => s.featurize(t, req.langs[i]));
    const scores = await s.predictAll(features, req.texts, req.langs);
    return { type: 'scored', id: req.id, version: s.version, scores };
  } catch (err) {
    return { type: 'failed', id: req.id, message: (err as Error).message };
  }
}

port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => handle(req)).then((reply) => port.postMessage(reply));
});
