import express, { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { Knex } from 'knex';
import { ApiError, BODY_LIMIT_BYTES, bodyParserFailure, compileSchema, isDatabaseTimeout, parseJsonExact } from '../http';
import { AmountError, currencyExponent, formatAmount, parseAmount } from '../ledger';
import balanceSchema from '../../schemas/wallet-balance.json';
import withdrawSchema from '../../schemas/wallet-withdraw.json';
import depositSchema from '../../schemas/wallet-deposit.json';
import rollbackSchema from '../../schemas/wallet-rollback.json';
import { ApiClient, ClientDirectory, signatureMatches, signingText } from './signature';
import * as wallet from './service';

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
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
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

function send(res: Response, outcome: wallet.WalletOutcome, traceId: string): void {
  if (outcome.status === 200) {
    const exponent = currencyExponent(outcome.currency!)!;
    res.status(200).type('application/json').send(`{"balance":${formatAmount(outcome.balance!, exponent)},"currency":"${outcome.currency}"}`);
    return;
  }
  res.locals.errorCode = outcome.code;
  res.status(outcome.status).json({ code: outcome.code, description: outcome.reason ?? DESCRIPTIONS[outcome.code!] ?? outcome.code, traceId });
}

type Action = (signed: SignedRequest, body: unknown, numberTexts: Map<string, string>) => Promise<wallet.WalletOutcome>;

const renderError: ErrorRequestHandler = (error, req, res, _next) => {
  let apiError: ApiError;
  const parserFailure = bodyParserFailure(error);
  if (error instanceof ApiError) apiError = error;
  else if (parserFailure) apiError = new ApiError(parserFailure.status, BAD_REQUEST, parserFailure.message);
  else if (isDatabaseTimeout(error)) {
    req.log.warn('database timeout', { error: (error as Error).message });
    apiError = new ApiError(500, 'ERROR_TIMEOUT', DESCRIPTIONS.ERROR_TIMEOUT);
  } else {
    req.log.error('unexpected error', { error: (error as Error).message, stack: (error as Error).stack });
    apiError = new ApiError(500, 'ERROR_UNKNOWN_ERROR', DESCRIPTIONS.ERROR_UNKNOWN_ERROR);
  }
  res.locals.errorCode = apiError.code;
  res.status(apiError.status).json({ code: apiError.code, description: apiError.message, traceId: req.traceId });
};

export function walletRouter(db: Knex, publicUrl: string | undefined): Router {
  const router = Router();
  const signedBy = authenticate(new ClientDirectory(db), publicUrl);

  const endpoint =
    (action: Action): RequestHandler =>
    (req: Request, res: Response, next: NextFunction) => {
      (async () => {
        const signed = await signedBy(req);
        const { value, numberTexts } = parseJsonExact(signed.raw, BAD_REQUEST);
        send(res, await action(signed, value, numberTexts), req.traceId);
      })().catch(next);
    };

  router.use(express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }));

  router.post('/balance', endpoint(async ({ client }, value) => wallet.balance(db, client.id, validate.balance(value))));

  router.post('/withdraw', endpoint(async ({ client }, value, texts) => {
    const body = validate.withdraw(value);
    return wallet.withdraw(db, client.id, { ...body, ...moneyOf(body, texts) });
  }));

  router.post('/deposit', endpoint(async ({ client }, value, texts) => {
    const body = validate.deposit(value);
    return wallet.deposit(db, client.id, { ...body, ...moneyOf(body, texts) });
  }));

  router.post('/rollback', endpoint(async ({ client }, value) => wallet.rollback(db, client.id, validate.rollback(value))));

  router.use((req, _res, next) => next(new ApiError(404, BAD_REQUEST, `no wallet endpoint ${req.method} ${req.path}`)));
  router.use(renderError);
  return router;
}
