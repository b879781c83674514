export {
  createFeedHub,
  type FeedHub,
  type FeedHubHooks,
  type FeedHubOptions,
  type FeedClientStats,
  DEFAULT_FEED_HUB_OPTIONS,
  DEFAULT_MAX_CLIENT_BUFFER_BYTES,
} from './hub.ts';
export { authenticateFeed, feedViewerOf, type FeedAuthResult, type FeedRefusal } from './auth.ts';
export { tokenFrom } from '../access/index.ts';
export { feedHubOptions, jwtSecretOf } from './settings.ts';
export { createRecall, DEFAULT_RECALL_LIMITS, type Recall, type RecallLimits } from './recall.ts';
export * from './protocol.ts';
export { relayFeed, decodeRelayMessage, encodeScores, FEED_RELAY_SUBJECT_PREFIX, FEED_RELAY_FILTER, type RelayedFeedHub, type RelayMessage, type RelayTransport } from './relay.ts';
