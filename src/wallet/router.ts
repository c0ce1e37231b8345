import { Express, Request, RequestHandler, Response } from 'express';
import getRawBody from 'raw-body';
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

/** Checks Public-Key and Signature over the raw bytes, before the body is even parsed. */
function authenticate(clients: ClientDirectory, publicUrl: string | undefined) {
  return async (req: Request): Promise<SignedRequest> => {
    const publicKey = req.get('public-key');
    const signature = req.get('signature');
    if (!publicKey || !signature) throw invalidSignature();
    const client = await clients.find(publicKey);
    if (!client || !client.enabled) throw invalidSignature();
    // raw-body directly, not express.raw: body-parser's per-request machinery cost a third of the throughput
    const raw = await getRawBody(req, { limit: BODY_LIMIT_BYTES });
    const absoluteUrl = `${publicUrl ?? `http://${req.get('host')}`}${req.originalUrl}`;
    if (!signatureMatches(client, signingText(req.method, absoluteUrl, raw), signature.trim())) throw invalidSignature();
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

/** Writes a JSON answer with res.end: express's res.json/res.send cost more than the rest of a balance call. */
function reply(res: Response, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function replyError(res: Response, status: number, code: string, description: string, traceId: string): void {
  res.locals.errorCode = code;
  reply(res, status, JSON.stringify({ code, description, traceId }));
}

function send(res: Response, outcome: wallet.WalletOutcome, traceId: string): void {
  if (outcome.status === 200) {
    const exponent = currencyExponent(outcome.currency!)!;
    reply(res, 200, `{"balance":${formatAmount(outcome.balance!, exponent)},"currency":"${outcome.currency}"}`);
    return;
  }
  replyError(res, outcome.status, outcome.code!, outcome.reason ?? DESCRIPTIONS[outcome.code!] ?? outcome.code!, traceId);
}

type Action = (signed: SignedRequest, body: unknown, numberTexts: Map<string, string>) => Promise<wallet.WalletOutcome>;

function toApiError(error: unknown, req: Request): ApiError {
  if (error instanceof ApiError) return error;
  const parserFailure = bodyParserFailure(error);
  if (parserFailure) return new ApiError(parserFailure.status, BAD_REQUEST, parserFailure.message);
  if (isDatabaseTimeout(error)) {
    req.log.warn('database timeout', { error: (error as Error).message });
    return new ApiError(500, 'ERROR_TIMEOUT', DESCRIPTIONS.ERROR_TIMEOUT);
  }
  req.log.error('unexpected error', { error: (error as Error).message, stack: (error as Error).stack });
  return new ApiError(500, 'ERROR_UNKNOWN_ERROR', DESCRIPTIONS.ERROR_UNKNOWN_ERROR);
}

/**
 * The four wallet routes, registered on the app itself: a nested Router, body-parser and res.send each cost
 * throughput on the hottest path of the server (see the README's benchmark section).
 */
export function mountWallet(app: Express, db: Knex, publicUrl: string | undefined, groupCommit: GroupCommitOptions): void {
  const signedBy = authenticate(new ClientDirectory(db), publicUrl);
  const calls = walletService(db, groupCommit);
  app.locals.groupCommit = calls.commits;

  const endpoint =
    (action: Action): RequestHandler =>
    (req: Request, res: Response) => {
      (async () => {
        const signed = await signedBy(req);
        const { value, numberTexts } = parseJsonExact(signed.raw, BAD_REQUEST);
        send(res, await action(signed, value, numberTexts), req.traceId);
      })().catch((error: unknown) => {
        const apiError = toApiError(error, req);
        replyError(res, apiError.status, apiError.code, apiError.message, req.traceId);
      });
    };

  app.post('/wallet/balance', endpoint(async ({ client }, value) => calls.balance(client.id, validate.balance(value))));

  app.post('/wallet/withdraw', endpoint(async ({ client }, value, texts) => {
    const body = validate.withdraw(value);
    return calls.withdraw(client.id, { ...body, ...moneyOf(body, texts) });
  }));

  app.post('/wallet/deposit', endpoint(async ({ client }, value, texts) => {
    const body = validate.deposit(value);
    return calls.deposit(client.id, { ...body, ...moneyOf(body, texts) });
  }));

  app.post('/wallet/rollback', endpoint(async ({ client }, value) => calls.rollback(client.id, validate.rollback(value))));

  app.use('/wallet', (req: Request, res: Response) => {
    replyError(res, 404, BAD_REQUEST, `no wallet endpoint ${req.method} ${req.originalUrl}`, req.traceId);
  });
}
