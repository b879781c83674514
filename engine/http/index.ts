export { buildApp, opsApp, DEFAULT_HTTP_LIMITS, type AppDeps, type HttpLimits, type Readiness } from './app.ts';
