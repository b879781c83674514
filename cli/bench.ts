export { BENCH_MODES, runBench } from '../bench/index.ts';
