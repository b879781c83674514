import { connectorError, type ConnectorError } from '../shared/index.ts';

/**
 * Why a mail did not become an event. Each reason maps to a code of the error catalogs
 * (`engine/event/errors.ts`, `connectors/shared/errors.ts`) and is also written as `reason` into
 * the DLQ payload, so the dead-letter entry says exactly what was wrong even where the code is a
 * broad one. `proposed` names the narrower code we asked to add to the catalog.
 */
export const MAIL_REJECTIONS = {
  no_text_part: { code: 'CX_ERR_EMPTY_TEXT', field: 'text', proposed: 'CX_ERR_NO_TEXT_PART' },
  empty_body: { code: 'CX_ERR_EMPTY_TEXT', field: 'text', proposed: undefined },
  empty_after_stripping: { code: 'CX_ERR_EMPTY_TEXT', field: 'text', proposed: undefined },
  broken_encoding: { code: 'CX_ERR_BAD_ENCODING', field: 'text', proposed: undefined },
  html_not_converted: { code: 'CX_ERR_INVALID_VALUE', field: 'text', proposed: 'CX_ERR_UNPARSEABLE_MAIL' },
  unparseable_mime: { code: 'CX_ERR_INVALID_VALUE', field: undefined, proposed: 'CX_ERR_UNPARSEABLE_MAIL' },
  text_part_too_large: { code: 'CX_ERR_TEXT_TOO_LARGE', field: 'text', proposed: undefined },
  no_sender: { code: 'CX_ERR_MISSING_FIELD', field: 'customerId', proposed: undefined },
  no_customer_recipient: { code: 'CX_ERR_MISSING_FIELD', field: 'customerId', proposed: undefined },
} as const satisfies Record<string, { code: ConnectorError['code']; field: string | undefined; proposed: string | undefined }>;

export type MailRejectReason = keyof typeof MAIL_REJECTIONS;

export interface MailRejection {
  reason: MailRejectReason;
  error: ConnectorError;
}

export function mailRejection(reason: MailRejectReason, message: string): MailRejection {
  const r = MAIL_REJECTIONS[reason];
  return { reason, error: connectorError(r.code, message, r.field) };
}
