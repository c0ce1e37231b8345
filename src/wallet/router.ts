import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Express, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { Logger } from '../log';
import { Knex } from 'knex';
import { ApiError, BODY_LIMIT_BYTES, bodyParserFailure, compileSchema, isDatabaseTimeout, parseJsonExact } from '../http';
import { AmountError, currencyExponent, formatAmount, parseAmount } from '../ledger';
import balanceSchema from '../../schemas/wallet-balance.json';
import withdrawSchema from '../../schemas/wallet-withdraw.json';
import depositSchema from '../../schemas/wallet-deposit.json';
import rollbackSchema from '../../schemas/wallet-rollback.json';
import { ApiClient, ClientDirectory, signatureMatches, signingText } from './signature';
import * as wallet from './service';
import { GroupCommitOptions, walletService } from './service';

interface BalanceBody {
  playerId: string;
  sessionId: string;
  currency: string;
}
interface MoneyBody extends BalanceBody {
  transactionId: string;
  gameId: string;
  gameRoundId: string;
  amount: number;
  cashAmount: number;
  jackpotAmount?: number | null;
  isGameRoundFinished: boolean;
}
interface DepositBody extends MoneyBody {
  withdrawTransactionId: string;
}
interface RollbackBody extends BalanceBody {
  transactionId: string;
  gameId: string;
  gameRoundId: string;
  withdrawTransactionId: string;
}

const BAD_REQUEST = 'ERROR_BAD_REQUEST';
const validate = {
  balance: compileSchema<BalanceBody>(balanceSchema, BAD_REQUEST),
  withdraw: compileSchema<MoneyBody>(withdrawSchema, BAD_REQUEST),
  deposit: compileSchema<DepositBody>(depositSchema, BAD_REQUEST),
  rollback: compileSchema<RollbackBody>(rollbackSchema, BAD_REQUEST),
};

const DESCRIPTIONS: Record<string, string> = {
  ERROR_INVALID_SIGNATURE: 'request public key or signature is missing or invalid',
  ERROR_UNKNOWN_ERROR: 'unexpected error; nothing was changed',
  ERROR_TIMEOUT: 'the wallet did not finish in time; nothing was changed',
};

function invalidSignature(): ApiError {
  return new ApiError(401, 'ERROR_INVALID_SIGNATURE', DESCRIPTIONS.ERROR_INVALID_SIGNATURE);
}

interface SignedRequest {
  client: ApiClient;
  raw: Buffer;
}

/** One request at the door: its trace id and its logger carry it into every log line. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  traceId: string;
  log: Logger;
  /** The error code answered, for the request log line. */
  code?: string;
}

/** Checks Public-Key and Signature over the raw bytes, before the body is even parsed. */
function authenticate(clients: ClientDirectory, publicUrl: string | undefined) {
  return async ({ req }: Exchange): Promise<SignedRequest> => {
    const publicKey = req.headers['public-key'];
    const signature = req.headers.signature;
    if (typeof publicKey !== 'string' || typeof signature !== 'string' || !publicKey || !signature) throw invalidSignature();
    const client = await clients.find(publicKey);
    if (!client || !client.enabled) throw invalidSignature();
    const raw = await getRawBody(req, { limit: BODY_LIMIT_BYTES });
    const absoluteUrl = `${publicUrl ?? `http://${req.headers.host}`}${req.url}`;
    if (!signatureMatches(client, signingText('POST', absoluteUrl, raw), signature.trim())) throw invalidSignature();
    return { client, raw };
  };
}

/** Exact minor units of the money fields, in the request's currency. */
function moneyOf(body: MoneyBody, numberTexts: Map<string, string>) {
  const exponent = currencyExponent(body.currency);
  if (exponent === undefined) throw new ApiError(400, BAD_REQUEST, `currency ${body.currency} is not supported`, 'currency');
  const read = (field: 'amount' | 'cashAmount' | 'jackpotAmount'): bigint => {
    try {
      return parseAmount(numberTexts.get(field)!, exponent);
    } catch (error) {
      if (error instanceof AmountError) throw new ApiError(400, BAD_REQUEST, `${field} ${error.message}`, field);
      throw error;
    }
  };
  const amount = read('amount');
  const cashAmount = read('cashAmount');
  const jackpotAmount = body.jackpotAmount === null || body.jackpotAmount === undefined ? null : read('jackpotAmount');
  if (cashAmount + (jackpotAmount ?? 0n) !== amount) {
    throw new ApiError(400, BAD_REQUEST, 'amount must equal cashAmount + jackpotAmount', 'amount');
  }
  return { amount, cashAmount, jackpotAmount };
}

function reply({ res, traceId }: Exchange, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Trace-Id': traceId });
  res.end(body);
}

function replyError(x: Exchange, status: number, code: string, description: string): void {
  x.code = code;
  reply(x, status, JSON.stringify({ code, description, traceId: x.traceId }));
}

function send(x: Exchange, outcome: wallet.WalletOutcome): void {
  if (outcome.status === 200) {
    const exponent = currencyExponent(outcome.currency!)!;
    reply(x, 200, `{"balance":${formatAmount(outcome.balance!, exponent)},"currency":"${outcome.currency}"}`);
    return;
  }
  replyError(x, outcome.status, outcome.code!, outcome.reason ?? DESCRIPTIONS[outcome.code!] ?? outcome.code!);
}

type Action = (signed: SignedRequest, body: unknown, numberTexts: Map<string, string>) => Promise<wallet.WalletOutcome>;

function toApiError(error: unknown, x: Exchange): ApiError {
  if (error instanceof ApiError) return error;
  const parserFailure = bodyParserFailure(error);
  if (parserFailure) return new ApiError(parserFailure.status, BAD_REQUEST, parserFailure.message);
  if (isDatabaseTimeout(error)) {
    x.log.warn('database timeout', { traceId: x.traceId, error: (error as Error).message });
    return new ApiError(500, 'ERROR_TIMEOUT', DESCRIPTIONS.ERROR_TIMEOUT);
  }
  x.log.error('unexpected error', { traceId: x.traceId, error: (error as Error).message, stack: (error as Error).stack });
  return new ApiError(500, 'ERROR_UNKNOWN_ERROR', DESCRIPTIONS.ERROR_UNKNOWN_ERROR);
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** The routes the door serves, each for POST only. */
export const WALLET_PATHS = ['/wallet/balance', '/wallet/withdraw', '/wallet/deposit', '/wallet/rollback'] as const;

/** A request listener that serves a request and says true, or says false and leaves it to the next listener. */
export type Door = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface WalletDoorOptions {
  db: Knex;
  logger: Logger;
  publicUrl: string | undefined;
  groupCommit: GroupCommitOptions;
  /** Request rate and latency by route, as Express routes count them. */
  record(route: string, method: string, status: number, seconds: number): void;
}

/**
 * The four wallet routes on node:http itself, in front of the Express app (README "Benchmark": Express's
 * router, helmet and per-request logger cost more than the rest of a balance call). Every other request, other
 * methods and unknown /wallet paths included, goes on to Express. The door answers as the routes always did:
 * the same codes and bodies, an X-Trace-Id, a request log line, and the request metrics.
 */
export function walletDoor(options: WalletDoorOptions): { door: Door; commits: wallet.GroupCommit } {
  const { db, logger } = options;
  const signedBy = authenticate(new ClientDirectory(db), options.publicUrl);
  const calls = walletService(db, options.groupCommit);

  const routes: Record<(typeof WALLET_PATHS)[number], Action> = {
    '/wallet/balance': async ({ client }, value) => calls.balance(client.id, validate.balance(value)),
    '/wallet/withdraw': async ({ client }, value, texts) => {
      const body = validate.withdraw(value);
      return calls.withdraw(client.id, { ...body, ...moneyOf(body, texts) });
    },
    '/wallet/deposit': async ({ client }, value, texts) => {
      const body = validate.deposit(value);
      return calls.deposit(client.id, { ...body, ...moneyOf(body, texts) });
    },
    '/wallet/rollback': async ({ client }, value) => calls.rollback(client.id, validate.rollback(value)),
  };

  const serve = async (x: Exchange, action: Action) => {
    try {
      const signed = await signedBy(x);
      const { value, numberTexts } = parseJsonExact(signed.raw, BAD_REQUEST);
      send(x, await action(signed, value, numberTexts));
    } catch (error) {
      const apiError = toApiError(error, x);
      replyError(x, apiError.status, apiError.code, apiError.message);
    }
  };

  const door: Door = (req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    const action = req.method === 'POST' ? routes[path as (typeof WALLET_PATHS)[number]] : undefined;
    if (!action) return false;
    const incoming = req.headers['x-request-id'];
    const traceId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const x: Exchange = { req, res, traceId, log: logger };
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
    void serve(x, action);
    return true;
  };
  return { door, commits: calls.commits };
}

/** Unknown /wallet paths and methods other than POST, answered in the wallet's error format. */
export function walletFallback(app: Express): void {
  app.use('/wallet', (req: Request, res: Response) => {
    res.locals.errorCode = BAD_REQUEST;
    res.status(404).json({ code: BAD_REQUEST, description: `no wallet endpoint ${req.method} ${req.originalUrl}`, traceId: req.traceId });
  });
}
