import type { TextScores } from '../event/types.ts';

/** What the pool (pool.ts) sends a scoring worker (scoreWorker.ts). */
export type WorkerRequest =
  | { type: 'load'; dir: string }
  | { type: 'score'; id: number; texts: readonly string[]; langs: readonly (string | undefined)[] };

/** What a scoring worker answers: one reply per request, in request order. */
export type WorkerReply =
  | { type: 'loaded'; version: string }
  | { type: 'load-failed'; message: string }
  | { type: 'scored'; id: number; version: string; scores: TextScores[] }
  | { type: 'failed'; id: number; message: string };
