/** Small helpers with no dependencies inside cxpulse: every layer may use them. */
export { writeFileAtomic } from './atomicWrite.ts';
