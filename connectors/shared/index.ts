export * from './types.ts';
export * from './errors.ts';
export { checkContract, isCrmEvent, CRM_CHANNEL, type ContractCheck } from '../../engine/connector/index.ts';
export { decodeText, decodeJson, isObject, type Decoded } from './decode.ts';
export * from './fields.ts';
export { acceptRawBodies, rawBody, sendError, answeringBusErrors, connectorErrorHandler } from './http.ts';
export { INGEST_ACCESS, connectionCap, routeAccess, type RouteAccess } from '../../engine/access/index.ts';
export { ConnectorErrorSchema, ErrorReplySchema, REFUSALS, connectorRouteSchema } from './schemas.ts';
