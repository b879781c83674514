export { chatConnector, chatRoutes } from './connector.ts';
export { CHAT_WEBHOOK_PATH, mapChatWebhook, type ChatRouteOptions, type WebhookMapping } from './webhook.ts';
export { CHAT_WS_PATH, handleChatFrame, type ChatWsReply } from './ws.ts';
export { chatSettings, DEFAULT_SIGNATURE_TOLERANCE_SEC, type ChatConfig } from './config.ts';
export { signGeneric, signChatwoot, verifyWebhook, CXPULSE_SIGNATURE_HEADER, CHATWOOT_SIGNATURE_HEADER, CHATWOOT_TIMESTAMP_HEADER } from './signature.ts';
export { fromGeneric, genericEventId, GENERIC_AUTHORS } from './generic.ts';
export { fromChatwoot, chatwootTime, type ChatwootMapping } from './chatwoot.ts';
