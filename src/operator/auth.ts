import { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { parse as parseCookies } from 'cookie';
import { Knex } from 'knex';
import { Actor, actAs } from '../audit';
import { ApiError, secretMatcher } from '../http';
import { activeStaff, actorOf, isPersonalToken, signIn, tokenOwner } from './staff';
import { fingerprintOf, liveConsoleSession, openConsoleSession, revokeConsoleSession, SESSION_HOURS } from './console-sessions';

export const CONSOLE_COOKIE = 'wallet_console';
/** Every request the console makes carries it; a cross-site page cannot add it without a CORS preflight we never answer. */
export const CONSOLE_HEADER = 'x-wallet-console';
/** The bootstrap OPERATOR_TOKEN acts as an admin that is nobody in particular. */
export const BOOTSTRAP: Actor = { id: 'bootstrap', role: 'admin' };
/** Wrong passwords one account may get per 15 minutes, whatever address they come from. */
const ACCOUNT_FAILURE_LIMIT = 5;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** What the console's login form sends: an email and password, or the bootstrap token. */
export type Credentials = { email: string; password: string } | { token: string };

export interface OperatorAuth {
  /** Lets through a right bearer credential (OPERATOR_TOKEN or a personal token), or a console session with the console header. */
  requireOperator: RequestHandler;
  /** The actor of a live console session, if the request carries one (for pages, which redirect instead of answering 401). */
  consoleActor(req: Request): Promise<Actor | undefined>;
  /** Checks what the login form sent; counts a failure like a wrong bearer token, and per account. */
  login(req: Request, res: Response, credentials: Credentials): Promise<boolean>;
  /** Ends the request's console session, if any, and clears its cookie. */
  logout(req: Request, res: Response): Promise<void>;
}

/** Failures per account within the window, kept in this process (a second instance counts its own). */
function accountFailures() {
  const seen = new Map<string, { count: number; until: number }>();
  return {
    blocked(email: string): boolean {
      const entry = seen.get(email.toLowerCase());
      return entry !== undefined && entry.until > Date.now() && entry.count >= ACCOUNT_FAILURE_LIMIT;
    },
    fail(email: string): void {
      const key = email.toLowerCase();
      const entry = seen.get(key);
      if (!entry || entry.until <= Date.now()) seen.set(key, { count: 1, until: Date.now() + FAILURE_WINDOW_MS });
      else entry.count += 1;
      if (seen.size > 10_000) seen.clear();
    },
    forget(email: string): void {
      seen.delete(email.toLowerCase());
    },
  };
}

/**
 * The operator's credentials (docs/operator-api.md "Staff and roles"): the bootstrap OPERATOR_TOKEN, staff
 * members' personal tokens, and console sessions. A session is a random secret in the cookie, kept server-side as
 * its hash (console-sessions.ts), so nothing derived from the bootstrap token can forge one; a staff session is
 * honoured only while its account is active, and a bootstrap session only while the token is the one it was opened
 * with. Wrong credentials are counted per address (bearer and login form alike): past `failureLimit` within 15
 * minutes, further wrong ones get 429; wrong passwords are also counted per account.
 */
export function operatorAuth(db: Knex, token: string, failureLimit: number): OperatorAuth {
  const isToken = secretMatcher(token);
  const bootstrapFingerprint = fingerprintOf(token);
  const accounts = accountFailures();
  const countFailure = rateLimit({
    windowMs: FAILURE_WINDOW_MS,
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
        resolve(limited instanceof ApiError ? limited : new ApiError(401, 'UNAUTHORIZED', 'missing or wrong credentials')),
      );
    });

  const sessionSecret = (req: Request) => parseCookies(req.get('cookie') ?? '')[CONSOLE_COOKIE] ?? '';

  async function consoleActor(req: Request): Promise<Actor | undefined> {
    const owner = await liveConsoleSession(db, sessionSecret(req));
    if (!owner) return undefined;
    if ('bootstrapFingerprint' in owner) return owner.bootstrapFingerprint === bootstrapFingerprint ? BOOTSTRAP : undefined;
    const row = await activeStaff(db, owner.staffId);
    return row && actorOf(row);
  }

  async function bearerActor(bearer: string): Promise<Actor | undefined> {
    if (isToken(bearer)) return BOOTSTRAP;
    if (!isPersonalToken(bearer)) return undefined;
    const owner = await tokenOwner(db, bearer);
    return owner && actorOf(owner);
  }

  const requireOperator: RequestHandler = (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const bearer = header.startsWith('Bearer ') ? header.slice(7) : '';
    const found = bearer ? bearerActor(bearer) : req.get(CONSOLE_HEADER) !== undefined ? consoleActor(req) : Promise.resolve(undefined);
    found.then((actor) => proceed(actor, req, res, next), next);
  };

  function proceed(actor: Actor | undefined, req: Request, res: Response, next: NextFunction): void {
    if (!actor) {
      void refuse(req, res).then(next);
      return;
    }
    res.locals.actor = actor;
    actAs(actor, req.traceId, () => next());
  }

  async function login(req: Request, res: Response, credentials: Credentials): Promise<boolean> {
    const actor = await checkCredentials(credentials);
    if (!actor) {
      if ('email' in credentials) accounts.fail(credentials.email);
      const refusal = await refuse(req, res);
      if (refusal.status === 429) throw refusal;
      return false;
    }
    if ('email' in credentials) accounts.forget(credentials.email);
    const secret = await openConsoleSession(db, actor.id === BOOTSTRAP.id ? { bootstrapFingerprint } : { staffId: actor.id });
    res.cookie(CONSOLE_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_HOURS * 3600 * 1000,
    });
    return true;
  }

  async function checkCredentials(credentials: Credentials): Promise<Actor | undefined> {
    if ('token' in credentials) return isToken(credentials.token) ? BOOTSTRAP : undefined;
    if (accounts.blocked(credentials.email)) {
      throw new ApiError(429, 'RATE_LIMITED', 'too many wrong passwords for this account; try again in 15 minutes');
    }
    const row = await signIn(db, credentials.email, credentials.password);
    return row && actorOf(row);
  }

  async function logout(req: Request, res: Response): Promise<void> {
    await revokeConsoleSession(db, sessionSecret(req));
    res.clearCookie(CONSOLE_COOKIE, { path: '/' });
  }

  return { requireOperator, consoleActor, login, logout };
}
