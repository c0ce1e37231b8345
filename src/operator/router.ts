import express, { ErrorRequestHandler, Request, RequestHandler, Response, Router } from 'express';
import { Knex } from 'knex';
import { rateLimit } from 'express-rate-limit';
import {
  ApiError,
  BODY_LIMIT_BYTES,
  compileSchema,
  decimalText,
  handle,
  parseJsonExact,
  positiveInteger,
  respondWithProgress,
  dateParam,
  oneOf,
  holdsUnstorableText,
  toApiError,
  unstorableText,
  SecretBox,
} from '../http';
import { followMigrations, migrationStatus } from '../db';
import { LedgerError } from '../ledger';
import createPlayerSchema from '../../schemas/operator-player-create.json';
import updatePlayerSchema from '../../schemas/operator-player-update.json';
import createSessionSchema from '../../schemas/operator-session-create.json';
import launchSchema from '../../schemas/operator-launch.json';
import launchDemoSchema from '../../schemas/operator-launch-demo.json';
import topupSchema from '../../schemas/operator-topup.json';
import adjustmentSchema from '../../schemas/operator-adjustment.json';
import createClientSchema from '../../schemas/operator-api-client-create.json';
import createStaffSchema from '../../schemas/operator-staff-create.json';
import updateStaffSchema from '../../schemas/operator-staff-update.json';
import createTokenSchema from '../../schemas/operator-token-create.json';
import decideSchema from '../../schemas/operator-approval-decision.json';
import updateGameSchema from '../../schemas/operator-game-update.json';
import { createPlayer, findPlayer, listPlayers, NewPlayer, playerView, PlayerUpdate, updatePlayer } from './players';
import { adjust, statement, topUp } from './money';
import { FourEyes } from './four-eyes';
import { Aggregator, openSession } from './sessions';
import { NO_PROTECTION, PlayerProtection } from './protection';
import { GameLauncher, LaunchBody, launchDemo, launchGame } from './launch';
import { OperatorAuth } from './auth';
import { ApprovalKind, ApprovalSubject, decideApproval, listApprovals } from './approvals';
import { createStaff, createToken, listStaff, listTokens, NewStaff, revokeToken, StaffUpdate, updateStaff } from './staff';
import { Actor } from '../audit';
import { allow, permissionsOf, roleGrants, roleOf } from './permissions';
import { maskPiiUnlessAllowed } from './pii';
import { disableApiClient, listApiClients, NewApiClient, registerApiClient, setGameActive } from './clients';

/** A launch as sent: the ip may be left to the router. */
type LaunchFields = Omit<LaunchBody, 'ip'> & { ip?: string };

const validate = {
  createPlayer: compileSchema<NewPlayer>(createPlayerSchema, 'VALIDATION_ERROR'),
  updatePlayer: compileSchema<PlayerUpdate>(updatePlayerSchema, 'VALIDATION_ERROR'),
  createSession: compileSchema<{ gameId?: string; ttlSeconds?: number; aggregator?: Aggregator }>(createSessionSchema, 'VALIDATION_ERROR'),
  topup: compileSchema<{ amount: string | number; transactionId: string }>(topupSchema, 'VALIDATION_ERROR'),
  adjustment: compileSchema<{ amount: string | number; reason: string; transactionId: string }>(
    adjustmentSchema,
    'VALIDATION_ERROR',
  ),
  launch: compileSchema<LaunchFields & { ttlSeconds?: number }>(launchSchema, 'VALIDATION_ERROR'),
  launchDemo: compileSchema<LaunchFields & { currency?: string }>(launchDemoSchema, 'VALIDATION_ERROR'),
  createClient: compileSchema<NewApiClient>(createClientSchema, 'VALIDATION_ERROR'),
  updateGame: compileSchema<{ active: boolean }>(updateGameSchema, 'VALIDATION_ERROR'),
  createStaff: compileSchema<NewStaff>(createStaffSchema, 'VALIDATION_ERROR'),
  updateStaff: compileSchema<StaffUpdate>(updateStaffSchema, 'VALIDATION_ERROR'),
  createToken: compileSchema<{ name: string; expiresAt?: string }>(createTokenSchema, 'VALIDATION_ERROR'),
  decide: compileSchema<{ note?: string }>(decideSchema, 'VALIDATION_ERROR'),
};

/** A path or query that holds NUL or a lone surrogate is refused once, here, for every operator route. */
const storableText: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    next(new ApiError(400, 'VALIDATION_ERROR', 'the path holds malformed percent-encoding'));
    return;
  }
  if (unstorableText(path) || holdsUnstorableText(req.query)) {
    next(new ApiError(400, 'VALIDATION_ERROR', 'the path or query holds NUL or half of a UTF-16 surrogate pair'));
    return;
  }
  next();
};

/** Parses the JSON body exactly (amounts keep their decimal text) into req.body and res.locals.numberTexts. */
const jsonBody: RequestHandler = (req, res, next) => {
  if (!req.is('application/json') && req.body?.length) {
    next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'));
    return;
  }
  const raw: Buffer | undefined = Buffer.isBuffer(req.body) ? req.body : undefined;
  const parsed = raw && raw.length > 0 ? parseJsonExact(raw, 'MALFORMED_JSON') : { value: {}, numberTexts: new Map() };
  req.body = parsed.value;
  res.locals.numberTexts = parsed.numberTexts;
  next();
};

/** The routes that move money or decide who does: each person may call them `moneyRateLimit` times a minute. */
const MONEY_ROUTES = ['/players/:playerId/topups', '/players/:playerId/adjustments', '/players/:playerId/payouts', '/approvals/:approvalId/:decision'];

/** A rate limit per person (staff id, or the bootstrap token), whatever address they call from (OWASP API4/API6). */
function perPersonLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => `person:${(res.locals.actor as Actor).id}`,
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', `more than ${perMinute} money requests a minute from one person; try again in a minute`)),
  });
}

/** Who sent this request (TRUST_PROXY decides whose X-Forwarded-For counts), an IPv4 address as such. */
function callerAddress(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
}

function mapLedgerError(error: LedgerError): ApiError {
  return error.reason === 'insufficient_funds'
    ? new ApiError(400, 'INSUFFICIENT_FUNDS', error.message)
    : new ApiError(409, 'IDEMPOTENCY_CONFLICT', error.message);
}

const renderError: ErrorRequestHandler = (error, req, res, _next) => {
  const apiError = error instanceof LedgerError ? mapLedgerError(error) : toApiError(error, req);
  res.locals.errorCode = apiError.code;
  const field = apiError.field ? { field: apiError.field } : {};
  res.status(apiError.status).json({ error: { code: apiError.code, message: apiError.message, traceId: req.traceId, ...field, ...apiError.details } });
};

/**
 * The operator API; `extra` routers (e.g. payouts) share its credential check, JSON parsing and error format.
 * `launcher` is the aggregator's launch call; without it a launch answers 503 LAUNCH_NOT_CONFIGURED.
 */
export function operatorRouter(db: Knex, auth: OperatorAuth,
  options: { secrets: SecretBox; keysChanged?: () => void; moneyRateLimit?: number; launcher?: GameLauncher; protection?: PlayerProtection; approvalThresholds?: Record<string, string>; approvalSubjects?: Partial<Record<ApprovalKind, ApprovalSubject>>; extra?: Router[] }): Router {
  const router = Router();
  const protection = options.protection ?? NO_PROTECTION;
  const fourEyesOf = (req: Request, res: Response): FourEyes => ({ thresholds: options.approvalThresholds ?? {}, requester: res.locals.actor as Actor, traceId: req.traceId });
  router.use(auth.requireOperator);
  router.use(maskPiiUnlessAllowed);
  router.use(storableText);
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }), jsonBody);
  const moneyLimit = perPersonLimit(options.moneyRateLimit ?? 300);
  router.use(MONEY_ROUTES, (req, res, next) => (req.method === 'POST' ? moneyLimit(req, res, next) : next()));

  router.post('/players', allow('players.create', 'player.create'), handle(async (req, res) => {
    const { created, player } = await createPlayer(db, validate.createPlayer(req.body), protection, req.traceId);
    res.status(created ? 201 : 200).json(player);
  }));

  router.get('/players', allow('read'), handle(async (req, res) => {
    const prefix = req.query.search;
    if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length < 1 || prefix.length > 45)) {
      throw new ApiError(400, 'VALIDATION_ERROR', 'search must be the first 1 to 45 characters of a playerId', 'search');
    }
    res.json(await listPlayers(db, {
      search: prefix,
      status: oneOf(req.query.status, 'status', ['active', 'blocked', 'impeded', 'closed'] as const),
      from: dateParam(req.query.from, 'from'),
      to: dateParam(req.query.to, 'to'),
      limit: positiveInteger(req.query.limit, 'limit', 20, 100),
      cursor: req.query.cursor === undefined ? undefined : String(req.query.cursor),
    }));
  }));

  router.get('/players/:playerId', allow('read'), handle(async (req, res) => {
    res.json(await playerView(db, await findPlayer(db, String(req.params.playerId))));
  }));

  router.patch('/players/:playerId', allow('players.update', 'player.update'), handle(async (req, res) => {
    const update = validate.updatePlayer(req.body);
    res.json(await updatePlayer(db, String(req.params.playerId), update, res.locals.numberTexts, roleGrants(roleOf(res), 'limits.raise')));
  }));

  router.post('/players/:playerId/sessions', allow('sessions.open', 'session.open'), handle(async (req, res) => {
    const body = validate.createSession(req.body);
    res.status(201).json(await openSession(db, protection, String(req.params.playerId), body.gameId, body.ttlSeconds, req.traceId, body.aggregator));
  }));

  router.post('/players/:playerId/launch', allow('sessions.open', 'game.launch'), handle(async (req, res) => {
    const body = validate.launch(req.body);
    res.status(201).json(await launchGame(db, options.launcher, protection, String(req.params.playerId), { ...body, ip: body.ip ?? callerAddress(req) }, req.traceId));
  }));

  router.post('/launch/demo', allow('sessions.open', 'game.launch_demo'), handle(async (req, res) => {
    const body = validate.launchDemo(req.body);
    res.json(await launchDemo(db, options.launcher, { ...body, ip: body.ip ?? callerAddress(req) }, req.traceId));
  }));

  router.post('/players/:playerId/topups', allow('money.move', 'player.topup'), handle(async (req, res) => {
    const body = validate.topup(req.body);
    const amount = decimalText(res, 'amount', body.amount);
    const answer = await topUp(db, protection, String(req.params.playerId), amount, body.transactionId, fourEyesOf(req, res));
    res.status(answer.status).json(answer.body);
  }));

  router.post('/players/:playerId/adjustments', allow('money.move', 'player.adjustment'), handle(async (req, res) => {
    const body = validate.adjustment(req.body);
    const amount = decimalText(res, 'amount', body.amount);
    const answer = await adjust(db, String(req.params.playerId), amount, body.reason, body.transactionId, fourEyesOf(req, res));
    res.status(answer.status).json(answer.body);
  }));

  router.get('/players/:playerId/transactions', allow('read'), handle(async (req, res) => {
    const limit = positiveInteger(req.query.limit, 'limit', 50, 500);
    const cursor = req.query.cursor === undefined ? undefined : String(positiveInteger(req.query.cursor, 'cursor', 0, Number.MAX_SAFE_INTEGER));
    res.json(await statement(db, String(req.params.playerId), limit, cursor));
  }));

  // JSON: where the schema stands; NDJSON: follows a migration another instance is running until it ends
  router.get('/migrations', allow('migrations.read'), handle(async (req, res) => {
    await respondWithProgress(req, res, (onProgress, signal) => (onProgress ? followMigrations(db, onProgress, signal) : migrationStatus(db)));
  }));

  router.post('/api-clients', allow('clients.manage', 'api_client.register'), handle(async (req, res) => {
    res.status(201).json(await registerApiClient(db, validate.createClient(req.body), options.secrets, req.traceId));
    options.keysChanged?.();
  }));

  router.get('/api-clients', allow('clients.manage'), handle(async (_req, res) => {
    res.json({ apiClients: await listApiClients(db) });
  }));

  router.delete('/api-clients/:id', allow('clients.manage', 'api_client.disable'), handle(async (req, res) => {
    res.json(await disableApiClient(db, positiveInteger(req.params.id, 'id', 0, 2 ** 31 - 1), req.traceId));
    options.keysChanged?.();
  }));

  router.put('/games/:gameId', allow('games.manage', 'game.update'), handle(async (req, res) => {
    const body = validate.updateGame(req.body);
    res.json(await setGameActive(db, String(req.params.gameId), body.active, req.traceId));
  }));

  router.get('/me', allow('read'), (_req, res) => {
    const actor = res.locals.actor as Actor;
    res.json({ staffId: actor.id === 'bootstrap' ? null : actor.id, email: actor.email ?? null, role: actor.role, bootstrap: actor.id === 'bootstrap',
      permissions: permissionsOf(actor.role) });
  });

  router.post('/me/tokens', allow('read', 'staff_token.create'), handle(async (req, res) => {
    const body = validate.createToken(req.body);
    const expiresAt = body.expiresAt === undefined ? undefined : dateParam(body.expiresAt, 'expiresAt');
    if (expiresAt && expiresAt <= new Date()) throw new ApiError(400, 'VALIDATION_ERROR', 'expiresAt must be in the future', 'expiresAt');
    res.status(201).json(await createToken(db, res.locals.actor as Actor, body.name, expiresAt, req.traceId));
  }));

  router.get('/me/tokens', allow('read'), handle(async (_req, res) => {
    res.json(await listTokens(db, res.locals.actor as Actor));
  }));

  router.delete('/me/tokens/:tokenId', allow('read', 'staff_token.revoke'), handle(async (req, res) => {
    res.json(await revokeToken(db, res.locals.actor as Actor, String(req.params.tokenId), req.traceId));
  }));

  router.get('/approvals', allow('approvals.decide'), handle(async (req, res) => {
    res.json(await listApprovals(db, oneOf(req.query.status, 'status', ['pending', 'approved', 'rejected'] as const)));
  }));

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/approvals/:approvalId/${decision}`, allow('approvals.decide', `*.${decision}`), handle(async (req, res) => {
      const body = validate.decide(req.body);
      res.json(await decideApproval(db, String(req.params.approvalId), decision, body.note, res.locals.actor as Actor, req.traceId, options.approvalSubjects ?? {}, protection));
    }));
  }

  router.post('/staff', allow('staff.manage', 'staff.create'), handle(async (req, res) => {
    res.status(201).json(await createStaff(db, validate.createStaff(req.body), res.locals.actor as Actor, req.traceId));
  }));

  router.get('/staff', allow('staff.manage'), handle(async (_req, res) => {
    res.json(await listStaff(db));
  }));

  router.patch('/staff/:staffId', allow('staff.manage', 'staff.update'), handle(async (req, res) => {
    res.json(await updateStaff(db, String(req.params.staffId), validate.updateStaff(req.body), res.locals.actor as Actor, req.traceId));
  }));

  for (const routes of options.extra ?? []) router.use(routes);
  router.use((req, _res, next) => next(new ApiError(404, 'NOT_FOUND', `no operator endpoint ${req.method} ${req.path}`)));
  router.use(renderError);
  return router;
}
