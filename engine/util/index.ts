/** Small helpers with no dependencies inside cxpulse: every layer may use them. */
export { slope } from './stats.ts';
export { retry, backoffDelay, BACKOFF_JITTER, type RetryPolicy, type DelayListPolicy, type BackoffPolicy, type RetryHooks, type RetryResult } from './retry.ts';
export { writeFileAtomic } from './atomicWrite.ts';
export { seededRandom, hash32, sampleGamma, sampleBeta } from './random.ts';
export { jsonTooDeep, MAX_JSON_DEPTH } from './jsonDepth.ts';
export { withoutCredentials } from './credentials.ts';
export { createBatchedWriter, SIDE_WRITE_LINGER_MS, SIDE_WRITE_MAX_BATCH, type BatchedWriter, type BatchedWriterOptions } from './batchedWriter.ts';
