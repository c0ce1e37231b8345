import { randomUUID } from 'node:crypto';
import { RequestHandler } from 'express';
import { Logger } from '../log';

declare module 'express-serve-static-core' {
  interface Request {
    traceId: string;
    log: Logger;
  }
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** A request's trace id: the caller's X-Request-Id when it is sane, else a new one. */
export function traceIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

/** The request's log line once it is answered: refusals at info, the rest at http. */
export function logRequest(log: Logger, line: { traceId?: string; method: string; path: string; status: number; code?: string; seconds: number }): void {
  const level = line.status >= 400 ? 'info' : 'http';
  // winston formats a line before its transports filter it out: skip that work when the level is off
  if (!log.isLevelEnabled(level)) return;
  const { seconds, ...fields } = line;
  log.log(level, 'request', { ...fields, ms: Math.round(seconds * 1e4) / 10 });
}

/** Gives every request a traceId (the caller's X-Request-Id when it is sane) and a logger that carries it. */
export function traceRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    req.traceId = traceIdOf(req.get('x-request-id'));
    req.log = logger.child({ traceId: req.traceId });
    res.setHeader('X-Trace-Id', req.traceId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      logRequest(req.log, { method: req.method, path: req.path, status: res.statusCode, code: res.locals.errorCode, seconds });
    });
    next();
  };
}
