export { createFeedHub, type FeedHub, DEFAULT_MAX_CLIENT_BUFFER_BYTES } from './hub.ts';
