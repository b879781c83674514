export * from './roles.ts';
export { verifyToken, tokenFrom, CLOCK_TOLERANCE_SEC, type TokenCheck, type TokenClaims, type TokenRefusal } from './token.ts';
export { guardRoutes, accessOf, RouteWithoutAccessError } from './guard.ts';
export { connectionCap, limitIngest, requestTimeoutOptions, type IngestRateLimit } from './limit.ts';
export { assertExposureAllowed, isLoopback, OpenExposureError } from './exposure.ts';
