export { buildApp, type AppDeps, type Readiness } from './app.ts';
