import { request } from 'undici';
import { ProviderUnavailable } from './types';

export interface ProviderResponse {
  status: number;
  body: unknown;
}

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * One call to a provider with a deadline. A connection failure, a timeout, a 5xx or a body that is not JSON
 * raises ProviderUnavailable: the call may or may not have taken effect. 2xx–4xx come back as they are.
 */
export async function callProvider(req: ProviderRequest): Promise<ProviderResponse> {
  let status: number;
  let text: string;
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (error) {
    throw new ProviderUnavailable(`${req.method} ${new URL(req.url).pathname}: ${(error as Error).message}`);
  }
  if (status >= 500) throw new ProviderUnavailable(`${req.method} ${new URL(req.url).pathname}: HTTP ${status}`);
  if (text === '') return { status, body: null };
  try {
    return { status, body: JSON.parse(text) };
  } catch {
    throw new ProviderUnavailable(`${req.method} ${new URL(req.url).pathname}: HTTP ${status} with a body that is not JSON`);
  }
}

/**
 * A provider's decimal amount in centavos, without a float: "100", "100.5", "100.50", "100.50000000". Anything else
 * (more non-zero decimals than centavos, not a number) is -1, which never equals an amount asked, so it is held.
 */
export function providerAmount(text: string): bigint {
  const match = /^(\d{1,15})(?:\.(\d{1,2})0*)?$/.exec(String(text).trim());
  return match ? BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0')) : -1n;
}

export function requireSettings<K extends string>(provider: string, settings: Record<string, string | undefined>, keys: K[]): Record<K, string> {
  const missing = keys.filter((k) => !settings[k]);
  if (missing.length > 0) {
    const names = missing.map((k) => `${provider.toUpperCase()}_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
    throw new Error(`payout provider ${provider} is missing ${names.join(', ')}`);
  }
  return settings as Record<K, string>;
}
