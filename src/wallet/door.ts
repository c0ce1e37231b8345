import { IncomingMessage, ServerResponse } from 'node:http';
import { logRequest, traceIdOf } from '../http';
import { Logger } from '../log';

/** A request listener that serves a request and says true, or says false and leaves it to the next listener. */
export type Door = (req: IncomingMessage, res: ServerResponse) => boolean;

/** One request at a door: its trace id and logger carry it into every log line. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  traceId: string;
  log: Logger;
  /** The error code answered, for the request log line. */
  code?: string;
}

export interface DoorOptions {
  logger: Logger;
  /** Registers what to do when an api client is registered or disabled on this instance: drop cached keys. */
  onKeysChanged?: (listener: () => void) => void;
  /** Request rate and latency by route, as the Express routes count them. */
  record(route: string, method: string, status: number, seconds: number): void;
}

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
    const traceId = traceIdOf(req.headers['x-request-id']);
    const x: Exchange = { req, res, traceId, log: logger };
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.record(path, 'POST', res.statusCode, seconds);
      logRequest(logger, { traceId, method: 'POST', path, status: res.statusCode, code: x.code, seconds });
    });
    void handler(x);
    return true;
  };
}

/** Answers an exchange with JSON text already written (amounts keep their exact digits), with its trace id. */
export function replyJson({ res, traceId }: Exchange, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Trace-Id': traceId });
  res.end(text);
}

/** Several doors as one: the first that takes a request serves it. */
export function doors(...all: Door[]): Door {
  return (req, res) => all.some((door) => door(req, res));
}
