export { slope } from './stats.ts';
export { retry, backoffDelay, BACKOFF_JITTER, type RetryPolicy, type DelayListPolicy, type BackoffPolicy, type RetryHooks, type RetryResult } from './retry.ts';
