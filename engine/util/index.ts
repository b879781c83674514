export { slope } from './stats.ts';
