import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '../log';

/** A request listener that serves a request and says true, or says false and leaves it to the next listener. */
export type Door = (req: IncomingMessage, res: ServerResponse) => boolean;

/** One request at a door: its trace id and logger carry it into every log line. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path without its query. */
  path: string;
  traceId: string;
  log: Logger;
  /** The error code answered, for the request log line. */
  code?: string;
}

export interface DoorOptions {
  logger: Logger;
  /** Request rate and latency by route, as the Express routes count them. */
  record(route: string, method: string, status: number, seconds: number): void;
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * A door on node:http itself, in front of the Express app, for an aggregator's POST routes (README "Benchmark":
 * Express's router, helmet and per-request logger cost more than the rest of a balance call). It gives each request
 * a trace id (the caller's X-Request-Id when it is sane), a request log line and the request metrics; the route's
 * handler answers it, and must never throw. Anything else goes on to the next listener.
 */
export function openDoor(routes: Record<string, (x: Exchange) => Promise<void>>, options: DoorOptions): Door {
  const { logger } = options;
  return (req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    const handler = req.method === 'POST' && Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!handler) return false;
    const incoming = req.headers['x-request-id'];
    const traceId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const x: Exchange = { req, res, path, traceId, log: logger };
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.record(path, 'POST', res.statusCode, seconds);
      const level = res.statusCode >= 400 ? 'info' : 'http';
      // winston formats a line before its transports filter it out: skip that work when the level is off
      if (logger.isLevelEnabled(level)) {
        logger.log(level, 'request', { traceId, method: 'POST', path, status: res.statusCode, code: x.code, ms: Math.round(seconds * 1e4) / 10 });
      }
    });
    void handler(x);
    return true;
  };
}

/** Several doors as one: the first that takes a request serves it. */
export function doors(...all: Door[]): Door {
  return (req, res) => all.some((door) => door(req, res));
}
