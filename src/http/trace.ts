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

/** Gives every request a traceId (the caller's X-Request-Id when it is sane) and a logger that carries it. */
export function traceRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.traceId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ traceId: req.traceId });
    res.setHeader('X-Trace-Id', req.traceId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = res.statusCode >= 400 ? 'info' : 'http';
      // winston formats a line before its transports filter it out: skip that work when the level is off
      if (!logger.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.log(level, 'request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        code: res.locals.errorCode,
        ms: Math.round(ms * 10) / 10,
      });
    });
    next();
  };
}
