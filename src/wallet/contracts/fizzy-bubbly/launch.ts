/**
 * Fizzy Bubbly's Games API, the one call the operator makes to the aggregator: POST {FB_API_URL}/game/url
 * (wallet-contract.md §7), signed exactly like the wallet calls it makes to us, with the same key pair.
 */
import { LaunchConfig } from '../../../config';
import { Logger } from '../../../log';
import { GameLauncher, LaunchAnswer, LaunchRequest } from '../../../operator';
import { hmacSignature, signingText } from './signature';

export const LAUNCH_PATH = '/game/url';

/** The body in the contract's field order; a demo launch has no player and no session. */
function launchBody(brandId: string, request: LaunchRequest): Record<string, string> {
  return {
    brandId,
    country: request.country,
    currency: request.currency,
    gameId: request.gameId,
    ip: request.ip,
    ...(request.lobbyUrl ? { lobbyUrl: request.lobbyUrl } : {}),
    locale: request.locale,
    mode: request.mode,
    platform: request.platform,
    ...(request.mode === 'wallet' ? { playerId: request.playerId, sessionId: request.sessionId } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The URL as a browser would open it, when it is an http(s) URL at all. */
function webUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the aggregator's HTTP answer: a 2xx with a web URL, a 4xx with its {code, description}, or anything else. */
function readAnswer(status: number, text: string): LaunchAnswer {
  const body = parseJson(text) as { url?: unknown; code?: unknown; description?: unknown } | undefined;
  if (status >= 200 && status < 300) {
    const url = webUrl(body?.url);
    return url ? { ok: true, url } : { ok: false, failure: 'unavailable', status, reason: 'its answer holds no launch URL' };
  }
  if (status >= 400 && status < 500) {
    const code = typeof body?.code === 'string' ? body.code : undefined;
    const description = typeof body?.description === 'string' ? body.description : undefined;
    return { ok: false, failure: 'refused', status, code, description, reason: `${status} ${code ?? ''} ${description ?? ''}`.trim() };
  }
  return { ok: false, failure: 'unavailable', status, reason: `it answered ${status}` };
}

function failedToAnswer(error: unknown, timeoutMs: number): LaunchAnswer {
  const name = (error as Error)?.name;
  const reason = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `it could not be reached (${(error as Error)?.message ?? String(error)})`;
  return { ok: false, failure: 'unavailable', reason };
}

/**
 * The launcher the operator API calls. Every call is logged with its trace id (never a key) and counted by outcome:
 * `ok`, `refused` (a 4xx) or `unavailable` (a timeout, a connection error, a 5xx, an answer without a URL).
 */
export function fizzyBubblyLauncher(config: LaunchConfig, logger: Logger, count: (outcome: string) => void): GameLauncher {
  const url = `${config.apiUrl}${LAUNCH_PATH}`;
  return {
    async launch(request, traceId) {
      const raw = Buffer.from(JSON.stringify(launchBody(config.brandId, request)));
      const started = Date.now();
      let answer: LaunchAnswer;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Public-Key': config.publicKey,
            Signature: hmacSignature(config.privateKey, signingText('POST', url, raw)),
          },
          body: raw,
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        answer = readAnswer(res.status, await res.text());
      } catch (error) {
        answer = failedToAnswer(error, config.timeoutMs);
      }
      const outcome = answer.ok ? 'ok' : answer.failure;
      count(outcome);
      const fields = { traceId, call: LAUNCH_PATH, mode: request.mode, gameId: request.gameId, playerId: request.mode === 'wallet' ? request.playerId : undefined, outcome, ms: Date.now() - started };
      if (answer.ok) logger.info('aggregator call', fields);
      else logger.warn('aggregator call failed', { ...fields, status: answer.status, reason: answer.reason });
      return answer;
    },
  };
}
