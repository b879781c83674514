// k6 provides `console` (log, warn, error print to its output); @types/k6 does not declare it.
declare const console: {
  log(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
