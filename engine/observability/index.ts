export { createMetrics, type Metrics } from './metrics.ts';
export { createLogger, type Logger } from './logger.ts';
