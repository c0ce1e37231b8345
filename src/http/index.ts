export { ApiError, bodyParserFailure, isDatabaseTimeout, toApiError } from './errors';
export { NDJSON, respondWithProgress } from './progress';
export { holdsUnstorableText, parseJsonExact, unstorableText } from './json';
export type { ExactJson } from './json';
export { compileCheck, compileSchema } from './validate';
export type { SchemaProblem, Validate } from './validate';
export { logRequest, traceIdOf, traceRequests } from './trace';

export { BODY_LIMIT_BYTES } from './limits';
export { webhookRoute } from './webhooks';
export type { WebhookOutcome } from './webhooks';
export { freePort } from './ports';
export { secretBox, secretMatcher } from './secrets';
export type { SecretBox } from './secrets';
export { handle, dateParam, dateRange, decimalText, oneOf, positiveInteger, uuidShaped } from './handlers';
