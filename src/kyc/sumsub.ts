import { createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import { SumsubSettings } from '../config';
import { Review } from './states';

/**
 * Sumsub's API (../shared/specs/kyc-brazil.md §2.2): every request signed with the app token's secret, an applicant
 * per player (our player id as externalUserId), an SDK token for the casino's site, and the review read back
 * server-side. A webhook is only a hint to read the review again.
 */

/** Sumsub could not be reached, timed out or answered something unexpected: nothing is known, nothing changes. */
export class KycProviderUnavailable extends Error {}

/** X-App-Access-Sig: lowercase hex HMAC-SHA256 over ts + upper-case method + path with query + body. */
export function sumsubSignature(secretKey: string, ts: number, method: string, pathWithQuery: string, body = ''): string {
  return createHmac('sha256', secretKey).update(`${ts}${method.toUpperCase()}${pathWithQuery}${body}`).digest('hex');
}

const DIGEST_ALGORITHMS: Record<string, string> = { HMAC_SHA1_HEX: 'sha1', HMAC_SHA256_HEX: 'sha256', HMAC_SHA512_HEX: 'sha512' };

/**
 * Whether a webhook's x-payload-digest is the HMAC of its raw body with the webhook secret, in the algorithm that
 * x-payload-digest-alg names (SHA-256 when it names none). An unknown algorithm or a missing digest is false.
 */
export function webhookDigestValid(webhookSecret: string, rawBody: Buffer, digest: string | undefined, algorithm: string | undefined): boolean {
  const hash = DIGEST_ALGORITHMS[algorithm ?? 'HMAC_SHA256_HEX'];
  if (!hash || !digest || !/^[0-9a-f]+$/i.test(digest)) return false;
  const expected = createHmac(hash, webhookSecret).update(rawBody).digest();
  const given = Buffer.from(digest, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface Applicant {
  applicantId: string;
}

export interface SdkToken {
  token: string;
  expiresAt: Date;
}

/** What a person's data is cross-checked against (fixedInfo). */
export interface KnownPerson {
  fullName: string | null;
  birthDate: string | null;
}

type Json = Record<string, unknown>;

export class SumsubClient {
  constructor(private readonly settings: SumsubSettings, private readonly now: () => Date = () => new Date()) {}

  /** The player's applicant: created with our id as externalUserId, or the one Sumsub already has for it. */
  async applicantFor(playerId: string, person: KnownPerson): Promise<Applicant> {
    const body = { externalUserId: playerId, fixedInfo: fixedInfo(person) };
    const created = await this.call('POST', `/resources/applicants?levelName=${encodeURIComponent(this.settings.levelName)}`, body);
    if (created.status === 201 || created.status === 200) return { applicantId: requireText(created.body, 'id') };
    if (created.status !== 409) throw unexpected('create applicant', created.status);
    const existing = await this.call('GET', `/resources/applicants/-;externalUserId=${encodeURIComponent(playerId)}/one`);
    if (existing.status !== 200) throw unexpected('find applicant', existing.status);
    return { applicantId: requireText(existing.body, 'id') };
  }

  async sdkToken(playerId: string, ttlSeconds: number): Promise<SdkToken> {
    const started = this.now();
    const answer = await this.call('POST', '/resources/accessTokens/sdk', { userId: playerId, levelName: this.settings.levelName, ttlInSecs: ttlSeconds });
    if (answer.status !== 200) throw unexpected('SDK token', answer.status);
    return { token: requireText(answer.body, 'token'), expiresAt: new Date(started.getTime() + ttlSeconds * 1000) };
  }

  /** The applicant's review as Sumsub has it now, with the raw answer kept as evidence. */
  async review(applicantId: string): Promise<{ review: Review; raw: string }> {
    const answer = await this.call('GET', `/resources/applicants/${encodeURIComponent(applicantId)}/status`);
    if (answer.status !== 200) throw unexpected('review status', answer.status);
    return { review: reviewOf(answer.body), raw: answer.raw };
  }

  private async call(method: 'GET' | 'POST', pathWithQuery: string, body?: Json): Promise<{ status: number; body: Json; raw: string }> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const ts = Math.floor(this.now().getTime() / 1000);
    let status: number;
    let raw: string;
    try {
      const res = await request(new URL(pathWithQuery, this.settings.baseUrl), {
        method,
        headers: {
          'X-App-Token': this.settings.appToken,
          'X-App-Access-Ts': String(ts),
          'X-App-Access-Sig': sumsubSignature(this.settings.secretKey, ts, method, pathWithQuery, text),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          Accept: 'application/json',
        },
        body: body === undefined ? undefined : text,
        headersTimeout: this.settings.timeoutMs,
        bodyTimeout: this.settings.timeoutMs,
      });
      status = res.statusCode;
      raw = await res.body.text();
    } catch (error) {
      throw new KycProviderUnavailable(`Sumsub ${method} ${pathWithQuery.split('?')[0]}: ${(error as Error).message}`);
    }
    if (status >= 500) throw new KycProviderUnavailable(`Sumsub ${method} ${pathWithQuery.split('?')[0]}: HTTP ${status}`);
    try {
      return { status, body: raw === '' ? {} : (JSON.parse(raw) as Json), raw };
    } catch {
      throw new KycProviderUnavailable(`Sumsub ${method} ${pathWithQuery.split('?')[0]}: HTTP ${status} with a body that is not JSON`);
    }
  }
}

function fixedInfo(person: KnownPerson): Json {
  const [firstName, ...rest] = (person.fullName ?? '').trim().split(/\s+/);
  return {
    ...(firstName ? { firstName, lastName: rest.join(' ') || undefined } : {}),
    ...(person.birthDate ? { dob: person.birthDate } : {}),
    country: 'BRA',
  };
}

function requireText(body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new KycProviderUnavailable(`Sumsub answered without ${field}`);
  return value;
}

function unexpected(what: string, status: number): KycProviderUnavailable {
  return new KycProviderUnavailable(`Sumsub ${what}: unexpected HTTP ${status}`);
}

/**
 * A completed review is GREEN, or RED with FINAL or RETRY. A RED naming no reject type is read as RETRY, so that no
 * RED ever leaves a player verified; an answer that is neither GREEN nor RED is not understood, so nothing changes.
 */
function reviewOf(body: Json): Review {
  if (typeof body.reviewStatus !== 'string') throw new KycProviderUnavailable('Sumsub answered a status without reviewStatus');
  if (body.reviewStatus !== 'completed') return { state: 'in_progress' };
  const result = (body.reviewResult ?? {}) as Json;
  if (result.reviewAnswer === 'GREEN') return { state: 'completed', answer: 'GREEN' };
  if (result.reviewAnswer === 'RED') return { state: 'completed', answer: 'RED', rejectType: result.reviewRejectType === 'FINAL' ? 'FINAL' : 'RETRY' };
  throw new KycProviderUnavailable('Sumsub answered a completed review that is neither GREEN nor RED');
}
