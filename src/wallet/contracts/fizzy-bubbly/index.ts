/**
 * The Fizzy Bubbly operator wallet contract, as an adapter in front of the wallet's one service: its four paths,
 * its signing (Public-Key, Signature over the raw body), its field names and decimal amounts, its error codes and
 * answer format. The money rules are not here: they are the service's and the routines'.
 */
import { Express, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { Knex } from 'knex';
import { ApiError, BODY_LIMIT_BYTES, bodyParserFailure, compileSchema, isDatabaseTimeout, parseJsonExact, SecretBox } from '../../../http';
import { AmountError, currencyExponent, formatAmount, parseAmount } from '../../../ledger';
import balanceSchema from '../../../../schemas/wallet-balance.json';
import withdrawSchema from '../../../../schemas/wallet-withdraw.json';
import depositSchema from '../../../../schemas/wallet-deposit.json';
import rollbackSchema from '../../../../schemas/wallet-rollback.json';
import { Door, DoorOptions, Exchange, openDoor, replyJson } from '../../door';
import { OutcomeUnknown } from '../../../db';
import { WalletOutcome, WalletService } from '../../service';
import { ApiClient, ClientDirectory, signatureMatches, signingText } from './signature';

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
  OUTCOME_UNKNOWN: 'whether the call took effect could not be found out in time (the database connection broke, or did not answer); send it again with the same transactionId',
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

function replyError(x: Exchange, status: number, code: string, description: string): void {
  x.code = code;
  replyJson(x, status, JSON.stringify({ code, description, traceId: x.traceId }));
}

function send(x: Exchange, outcome: WalletOutcome): void {
  if (outcome.status === 200) {
    const exponent = currencyExponent(outcome.currency!)!;
    replyJson(x, 200, `{"balance":${formatAmount(outcome.balance!, exponent)},"currency":"${outcome.currency}"}`);
    return;
  }
  replyError(x, outcome.status, outcome.code!, outcome.reason ?? DESCRIPTIONS[outcome.code!] ?? outcome.code!);
}

type Action = (signed: SignedRequest, body: unknown, numberTexts: Map<string, string>) => Promise<WalletOutcome>;

function toApiError(error: unknown, x: Exchange): ApiError {
  if (error instanceof ApiError) return error;
  const parserFailure = bodyParserFailure(error);
  if (parserFailure) return new ApiError(parserFailure.status, BAD_REQUEST, parserFailure.message);
  if (isDatabaseTimeout(error)) {
    x.log.warn('database timeout', { traceId: x.traceId, error: (error as Error).message });
    return new ApiError(500, 'ERROR_TIMEOUT', DESCRIPTIONS.ERROR_TIMEOUT);
  }
  if (error instanceof OutcomeUnknown) {
    x.log.error('outcome unknown', { traceId: x.traceId, error: error.message });
    return new ApiError(500, 'ERROR_UNKNOWN_ERROR', DESCRIPTIONS.OUTCOME_UNKNOWN);
  }
  x.log.error('unexpected error', { traceId: x.traceId, error: (error as Error).message, stack: (error as Error).stack });
  return new ApiError(500, 'ERROR_UNKNOWN_ERROR', DESCRIPTIONS.ERROR_UNKNOWN_ERROR);
}

/** The routes the contract serves, each for POST only. */
export const WALLET_PATHS = ['/wallet/balance', '/wallet/withdraw', '/wallet/deposit', '/wallet/rollback'] as const;

export interface FizzyBubblyOptions extends DoorOptions {
  db: Knex;
  /** The base URL the aggregator dials and signs (WALLET_PUBLIC_URL); the Host header when absent. */
  publicUrl: string | undefined;
  wallet: WalletService;
  /** Opens the HMAC keys kept sealed in api_clients (SECRETS_KEY). */
  secrets: SecretBox;
}

/** The contract's door: the four routes, each signed, validated and answered in the contract's format. */
export function fizzyBubblyDoor(options: FizzyBubblyOptions): Door {
  const calls = options.wallet;
  const clients = new ClientDirectory(options.db, options.secrets);
  options.onKeysChanged?.(() => clients.forgetAll());
  const signedBy = authenticate(clients, options.publicUrl);
  const actions: Record<(typeof WALLET_PATHS)[number], Action> = {
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
  const serve = (action: Action) => async (x: Exchange) => {
    try {
      const signed = await signedBy(x);
      const { value, numberTexts } = parseJsonExact(signed.raw, BAD_REQUEST);
      send(x, await action(signed, value, numberTexts));
    } catch (error) {
      const apiError = toApiError(error, x);
      replyError(x, apiError.status, apiError.code, apiError.message);
    }
  };
  return openDoor(Object.fromEntries(Object.entries(actions).map(([path, action]) => [path, serve(action)])), options);
}

/** Unknown /wallet paths and methods other than POST, answered in the wallet's error format. */
export function fizzyBubblyFallback(app: Express): void {
  app.use('/wallet', (req: Request, res: Response) => {
    res.locals.errorCode = BAD_REQUEST;
    res.status(404).json({ code: BAD_REQUEST, description: `no wallet endpoint ${req.method} ${req.originalUrl}`, traceId: req.traceId });
  });
}
