export { runBench } from '../bench/index.ts';
