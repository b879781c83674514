export { createEmailConnector, emailConnector, type EmailConnector } from './connector.ts';
export {
  agentMatcher,
  emailSettings,
  DEFAULT_FOLDERS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  type EmailConnectorOptions,
  type EmailSettings,
} from './config.ts';
export { MAIL_REJECTIONS, type MailRejectReason, type MailRejection } from './errors.ts';
export { mailToEvent, emailCustomerId, type MailIdentities, type MailOutcome, type MailSource } from './mail.ts';
export { stripReply, type StrippedText } from './strip.ts';
export { openPositionStore, type FolderPosition, type PositionStore } from './state.ts';
