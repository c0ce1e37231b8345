/** An error with a documented code, thrown by a handler or service and rendered by the API's error middleware. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
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

/** SQLSTATEs and pool errors that mean "the database did not answer in time". */
export function isDatabaseTimeout(error: unknown): boolean {
  const e = error as { code?: string; name?: string };
  return e?.code === '57014' || e?.code === '55P03' || e?.name === 'KnexTimeoutError';
}
