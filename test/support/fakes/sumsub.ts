import { createHmac } from 'node:crypto';
import http from 'node:http';
import { FakeServer } from './server';

/** Sumsub's side as documented (../shared/specs/kyc-brazil.md §2.2, §4.4): signed calls, applicants, SDK tokens, reviews. */
export const SUMSUB_FAKE = { appToken: 'sbx:fake-app-token', secretKey: 'fake-secret-key', webhookSecret: 'fake-webhook-secret', levelName: 'basic-kyc-level' };

interface FakeApplicant {
  id: string;
  externalUserId: string;
  levelName: string;
  fixedInfo: Record<string, unknown>;
  reviewStatus: string;
  reviewResult?: { reviewAnswer: string; reviewRejectType?: string; rejectLabels?: string[] };
}

export class FakeSumsub extends FakeServer {
  readonly applicants = new Map<string, FakeApplicant>();
  /** Calls refused for their signature, and every call's path, in order. */
  readonly refused: string[] = [];
  readonly calls: string[] = [];
  /** While set, every call is answered with this status (e.g. 503: Sumsub down). */
  down: number | undefined;

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    const pathWithQuery = `${url.pathname}${url.search}`;
    this.calls.push(`${req.method} ${url.pathname}`);
    if (this.down !== undefined) return this.json(res, this.down, { description: 'Service unavailable' });
    if (!this.signed(req, pathWithQuery, raw)) {
      this.refused.push(`${req.method} ${url.pathname}`);
      return this.json(res, 401, { code: 401, description: 'Request signature mismatch' });
    }
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    if (req.method === 'POST' && url.pathname === '/resources/applicants') return this.create(res, url, body);
    if (req.method === 'POST' && url.pathname === '/resources/accessTokens/sdk') {
      return this.json(res, 200, { token: `_act-sbx-${body.userId}-${Date.now()}`, userId: body.userId });
    }
    const byExternal = /^\/resources\/applicants\/-;externalUserId=([^/]+)\/one$/.exec(url.pathname);
    if (req.method === 'GET' && byExternal) {
      const found = [...this.applicants.values()].find((a) => a.externalUserId === decodeURIComponent(byExternal[1]));
      return found ? this.json(res, 200, found) : this.json(res, 404, { code: 404, description: 'Applicant not found' });
    }
    const status = /^\/resources\/applicants\/([^/]+)\/status$/.exec(url.pathname);
    const applicant = status ? this.applicants.get(decodeURIComponent(status[1])) : undefined;
    if (req.method === 'GET' && applicant) {
      return this.json(res, 200, { reviewStatus: applicant.reviewStatus, ...(applicant.reviewResult ? { reviewResult: applicant.reviewResult } : {}) });
    }
    this.json(res, 404, { code: 404, description: 'Not found' });
  }

  /** X-App-Token is ours, the timestamp within five minutes, X-App-Access-Sig the HMAC of ts + method + path + body. */
  private signed(req: http.IncomingMessage, pathWithQuery: string, raw: string): boolean {
    const ts = Number(req.headers['x-app-access-ts']);
    if (req.headers['x-app-token'] !== SUMSUB_FAKE.appToken || !Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return false;
    const expected = createHmac('sha256', SUMSUB_FAKE.secretKey).update(`${ts}${req.method}${pathWithQuery}${raw}`).digest('hex');
    return req.headers['x-app-access-sig'] === expected;
  }

  private create(res: http.ServerResponse, url: URL, body: Record<string, unknown>): void {
    const externalUserId = String(body.externalUserId ?? '');
    if (!externalUserId) return this.json(res, 400, { code: 400, description: 'externalUserId is required' });
    if ([...this.applicants.values()].some((a) => a.externalUserId === externalUserId)) {
      return this.json(res, 409, { code: 409, description: `Applicant with external user id '${externalUserId}' already exists` });
    }
    const applicant: FakeApplicant = {
      id: `app-${this.applicants.size + 1}-${externalUserId}`,
      externalUserId,
      levelName: url.searchParams.get('levelName') ?? '',
      fixedInfo: (body.fixedInfo ?? {}) as Record<string, unknown>,
      reviewStatus: 'init',
    };
    this.applicants.set(applicant.id, applicant);
    this.json(res, 201, applicant);
  }

  /** The applicant of one of our players. */
  applicantOf(externalUserId: string): FakeApplicant {
    const found = [...this.applicants.values()].find((a) => a.externalUserId === externalUserId);
    if (!found) throw new Error(`no applicant for ${externalUserId}`);
    return found;
  }

  /** The sandbox's testCompleted: forces a decision (or, with none, puts the review back in progress). */
  complete(externalUserId: string, reviewAnswer: 'GREEN' | 'RED' | undefined, reviewRejectType?: 'FINAL' | 'RETRY'): FakeApplicant {
    const applicant = this.applicantOf(externalUserId);
    if (reviewAnswer === undefined) {
      applicant.reviewStatus = 'pending';
      delete applicant.reviewResult;
    } else {
      applicant.reviewStatus = 'completed';
      applicant.reviewResult = { reviewAnswer, ...(reviewRejectType ? { reviewRejectType, rejectLabels: ['FORGERY'] } : {}) };
    }
    return applicant;
  }

  /** A webhook as Sumsub sends it: the raw body and its digest headers, signed with the webhook secret. */
  static webhook(type: string, applicant: FakeApplicant, algorithm = 'HMAC_SHA256_HEX', secret = SUMSUB_FAKE.webhookSecret): { raw: string; headers: Record<string, string> } {
    const raw = JSON.stringify({
      applicantId: applicant.id, externalUserId: applicant.externalUserId, type, reviewStatus: applicant.reviewStatus,
      ...(applicant.reviewResult ? { reviewResult: applicant.reviewResult } : {}), createdAtMs: new Date().toISOString(),
    });
    const hash = { HMAC_SHA1_HEX: 'sha1', HMAC_SHA256_HEX: 'sha256', HMAC_SHA512_HEX: 'sha512' }[algorithm] ?? 'sha256';
    return { raw, headers: { 'content-type': 'application/json', 'x-payload-digest': createHmac(hash, secret).update(raw).digest('hex'), 'x-payload-digest-alg': algorithm } };
  }
}
