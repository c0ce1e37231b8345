import { Request, Response } from 'express';
import { OnProgress, ProgressEvent } from '../progress';
import { toApiError } from './errors';

export const NDJSON = 'application/x-ndjson';
const THROTTLE_MS = 250;
const HEARTBEAT_MS = 10_000;

/** The caller asked for progress: `Accept: application/x-ndjson` (preferred over JSON). */
function wantsProgress(req: Request): boolean {
  return req.accepts(['application/json', NDJSON]) === NDJSON;
}

/**
 * Runs `work` and answers as NDJSON, one JSON object a line: `{"progress": {phase, done, total}}` as it goes (at
 * most four a second, and the last one again every 10 s without news so proxies keep the connection), then
 * `{"result": …}` or `{"error": {code, message, traceId}}`. The 200 goes out with the first progress, so a
 * refusal before any (bad input) is still an ordinary error answer; after it, the last line says how it ended.
 */
async function streamProgress(
  req: Request,
  res: Response,
  work: (onProgress: OnProgress, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  // a client that hangs up stops work that would otherwise go on for nobody
  const hangUp = new AbortController();
  res.on('close', () => hangUp.abort());
  const line = (value: object) => {
    if (!res.headersSent) {
      res.status(200).set('Content-Type', `${NDJSON}; charset=utf-8`).set('Cache-Control', 'no-store').set('X-Accel-Buffering', 'no');
      res.flushHeaders();
    }
    res.write(`${JSON.stringify(value)}\n`);
  };
  let last: ProgressEvent | undefined;
  let sentAt = 0;
  const send = (event: ProgressEvent) => {
    sentAt = Date.now();
    line({ progress: event });
  };
  const heartbeat = setInterval(() => {
    if (last && Date.now() - sentAt >= HEARTBEAT_MS) send(last);
  }, HEARTBEAT_MS / 2);
  const onProgress: OnProgress = (event) => {
    last = event;
    if (Date.now() - sentAt >= THROTTLE_MS || event.done === event.total) send(event);
  };
  try {
    line({ result: await work(onProgress, hangUp.signal) });
  } catch (error) {
    if (!res.headersSent) throw error;
    const failure = toApiError(error, req);
    line({ error: { code: failure.code, message: failure.message, traceId: req.traceId } });
  } finally {
    clearInterval(heartbeat);
    if (res.headersSent) res.end();
  }
}

/**
 * Answers `work`'s result as JSON, or streamed with its progress when the caller asks for NDJSON; then `work` gets
 * `onProgress` and a signal that aborts when the client hangs up.
 */
export async function respondWithProgress(
  req: Request,
  res: Response,
  work: (onProgress?: OnProgress, signal?: AbortSignal) => Promise<unknown>,
): Promise<void> {
  if (wantsProgress(req)) await streamProgress(req, res, work);
  else res.json(await work());
}
