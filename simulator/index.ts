/**
 * cxpulse traffic simulator: realistic, multilingual (en, sv, nb, da, de) customer-service
 * traffic over chat, e-mail and calls, as raw events in the SPEC event contract. It never talks
 * to NATS itself; `runSimulation` hands each event to the `publish` callback it is given.
 *
 * @example
 * const events = takeEvents(1000, { seed: 7, languages: ['sv', 'nb'] });
 * await runSimulation({ rate: 50, count: 1000, publish: (ev) => bus.publish(ev) });
 */
export type { RawEvent, RunOptions, RunResult, SimulatorOptions } from './types.ts';
export { SIM_CHANNELS } from './types.ts';
export { DEFAULT_AGENTS, DEFAULT_CUSTOMERS, DEFAULT_EVENTS_PER_SEC, generateEvents, takeEvents } from './generator.ts';
export { runSimulation } from './run.ts';
export { PII_RATE } from './conversation.ts';
export { ARCS, PHRASE_BOOKS, SUPPORTED_LANGUAGES, TOPICS } from './phrases/index.ts';
export type { Arc, PhraseBook, Topic } from './phrases/index.ts';
export { ACTION_RESPONSES, BASE_CANCEL, SIM_SEGMENTS, cancels, respond, simulateCustomers } from './actions.ts';
export type { ActionResponse, SimCustomer, SimSegment, SimStep } from './actions.ts';
