import { createHmac, timingSafeEqual } from 'node:crypto';
import { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { parse as parseCookies } from 'cookie';
import { ApiError, secretMatcher } from '../http';

export const CONSOLE_COOKIE = 'wallet_console';
/** Every request the console makes carries it; a cross-site page cannot add it without a CORS preflight we never answer. */
export const CONSOLE_HEADER = 'x-wallet-console';
const SESSION_HOURS = 8;

export interface OperatorAuth {
  /** Lets through a right bearer token, or a console session cookie with the console header. */
  requireOperator: RequestHandler;
  /** True when the request carries a live console session (for pages, which redirect instead of answering 401). */
  hasConsoleSession(req: Request): boolean;
  /** Checks a token typed into the console's login form; counts a wrong one like a wrong bearer token. */
  login(req: Request, res: Response, token: string): Promise<boolean>;
  logout(res: Response): void;
}

/**
 * The operator's credentials: the bearer token, and console sessions derived from it. A session is
 * `expiry.hmac(expiry)` keyed by the token, so it needs no storage, holds on every instance, and rotating the
 * token ends every session. Wrong tokens are counted per address (bearer and login form alike): past
 * `failureLimit` within 15 minutes, further wrong ones get 429. Only failures reach the counter, so no number of
 * good requests is ever limited and an attacker sharing an address with the operator cannot lock the operator out.
 */
export function operatorAuth(token: string, failureLimit: number): OperatorAuth {
  const isToken = secretMatcher(token);
  const sessionKey = createHmac('sha256', token).update('wallet-console-session').digest();
  const sign = (expiry: string) => createHmac('sha256', sessionKey).update(expiry).digest('base64url');
  const countFailure = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: failureLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(new ApiError(429, 'RATE_LIMITED', 'too many failed authentications from this address; try again later'));
    },
  });
  const refuse = (req: Request, res: Response) =>
    new Promise<ApiError>((resolve) => {
      void countFailure(req, res, (limited?: unknown) =>
        resolve(limited instanceof ApiError ? limited : new ApiError(401, 'UNAUTHORIZED', 'missing or wrong bearer token')),
      );
    });

  function hasConsoleSession(req: Request): boolean {
    const value = parseCookies(req.get('cookie') ?? '')[CONSOLE_COOKIE] ?? '';
    const [expiry, signature = ''] = value.split('.');
    if (!/^\d+$/.test(expiry ?? '') || Number(expiry) * 1000 < Date.now()) return false;
    const expected = Buffer.from(sign(expiry));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  const requireOperator: RequestHandler = (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const bearer = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (isToken(bearer) || (req.get(CONSOLE_HEADER) !== undefined && hasConsoleSession(req))) {
      next();
      return;
    }
    void refuse(req, res).then(next);
  };

  async function login(req: Request, res: Response, given: string): Promise<boolean> {
    if (!isToken(given)) {
      const refusal = await refuse(req, res);
      if (refusal.status === 429) throw refusal;
      return false;
    }
    const expiry = String(Math.floor(Date.now() / 1000) + SESSION_HOURS * 3600);
    res.cookie(CONSOLE_COOKIE, `${expiry}.${sign(expiry)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_HOURS * 3600 * 1000,
    });
    return true;
  }

  function logout(res: Response): void {
    res.clearCookie(CONSOLE_COOKIE, { path: '/' });
  }

  return { requireOperator, hasConsoleSession, login, logout };
}
