import { Request } from 'express';
import { isConnectionLoss, isDatabaseTimeout, OutcomeUnknown } from '../db';

export { isDatabaseTimeout };

/** An error with a documented code, thrown by a handler or service and rendered by the API's error middleware. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** More members of the error object, e.g. what an upstream service answered. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Errors raised by body-parser (size limit, aborted upload) carry a `type` and a `status`. */
export function bodyParserFailure(error: unknown): { status: number; message: string } | undefined {
  const e = error as { type?: string; status?: number; limit?: number };
  if (e?.type === 'entity.too.large') return { status: 413, message: `request body is larger than ${e.limit} bytes` };
  if (typeof e?.type === 'string' && e.status !== undefined && e.status < 500) {
    return { status: e.status, message: 'request body could not be read' };
  }
  return undefined;
}

/**
 * The documented error for anything a handler threw: its own ApiError, a body the parser refused, a database
 * that did not answer in time or whose connection broke; anything else is logged with its stack and answered as
 * INTERNAL_ERROR.
 */
export function toApiError(error: unknown, req: Request): ApiError {
  if (error instanceof ApiError) return error;
  // the router could not decode a path parameter (%ff, a cut-off %E0%A4%A)
  if (error instanceof URIError || (error as { status?: number; message?: string })?.message?.startsWith('Failed to decode param')) {
    return new ApiError(400, 'VALIDATION_ERROR', 'the path holds malformed percent-encoding');
  }
  const parserFailure = bodyParserFailure(error);
  if (parserFailure) {
    const code = parserFailure.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    return new ApiError(parserFailure.status, code, parserFailure.message);
  }
  if (isDatabaseTimeout(error)) return new ApiError(503, 'TIMEOUT', 'the database did not answer in time; nothing was changed');
  if (error instanceof OutcomeUnknown) {
    req.log.error('outcome unknown', { error: error.message });
    return new ApiError(500, 'OUTCOME_UNKNOWN', 'the database connection broke and whether the request took effect could not be found out; send it again with the same transactionId');
  }
  if (isConnectionLoss(error)) return connectionLost(error, req);
  req.log.error('unexpected error', { error: (error as Error).message, stack: (error as Error).stack });
  return new ApiError(500, 'INTERNAL_ERROR', 'unexpected error; nothing was changed');
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The database connection broke under a request (a failover, a proxy cutting a pooled connection): a read changed
 * nothing and can simply be sent again; a write may have committed. A money write whose commit is in doubt is
 * first sent again by its key (OutcomeUnknown above, when that fails too).
 */
function connectionLost(error: unknown, req: Request): ApiError {
  req.log.warn('database connection lost', { error: (error as Error).message });
  return new ApiError(503, 'DATABASE_UNAVAILABLE', READS.has(req.method)
    ? 'the database connection broke; nothing was changed: send it again'
    : 'the database connection broke; whether the request took effect is not known: read it back before sending it again');
}
