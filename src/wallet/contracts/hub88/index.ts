/**
 * Hub88's operator Wallet API (docs/wallet.md "Hub88"), as a second adapter in front of the one wallet service: its
 * five paths under /hub88, its RSA signature over the raw body, its Int64 amounts in 1/100000 of a unit, and its
 * answers, each HTTP 200 with a status RS_OK or RS_ERROR_* that echoes request_uuid. The money rules are the
 * service's and the routines'; only how Hub88 names them is here.
 */
import getRawBody from 'raw-body';
import { Knex } from 'knex';
import { ApiError, BODY_LIMIT_BYTES, bodyParserFailure, compileCheck, parseJsonExact, SchemaProblem } from '../../../http';
import { currencyExponent } from '../../../ledger';
import userInfoSchema from '../../../../schemas/hub88-user-info.json';
import balanceSchema from '../../../../schemas/hub88-balance.json';
import betSchema from '../../../../schemas/hub88-bet.json';
import winSchema from '../../../../schemas/hub88-win.json';
import rollbackSchema from '../../../../schemas/hub88-rollback.json';
import { Door, DoorOptions, Exchange, openDoor, replyJson } from '../../door';
import { WalletOutcome, WalletService } from '../../service';
import { Hub88Keys } from './signature';
import { statusOf } from './statuses';

interface Common {
  request_uuid: string;
  user: string;
}
interface BalanceBody extends Common {
  token: string;
}
interface MoneyBody extends BalanceBody {
  transaction_uuid: string;
  game_code?: string;
  currency: string;
  amount: number;
  round?: string | null;
  round_closed?: boolean | null;
  is_free?: boolean | null;
  is_supplier_promo?: boolean | null;
}
interface WinBody extends MoneyBody {
  reference_transaction_uuid?: string | null;
}
interface RollbackBody extends Common {
  transaction_uuid: string;
  reference_transaction_uuid: string;
  game_code?: string;
  currency?: string | null;
  round?: string | null;
}

/** Hub88 amounts are Int64 in units of 1/100000 of the currency, whatever its decimals. */
const WIRE_DECIMALS = 5;
const INT64_MAX = 2n ** 63n - 1n;

/** A refusal in Hub88's terms: its status, and what we log about it. */
class Refusal extends Error {
  constructor(readonly status: string, message: string) {
    super(message);
  }
}

const checks = {
  info: compileCheck(userInfoSchema),
  balance: compileCheck(balanceSchema),
  bet: compileCheck(betSchema),
  win: compileCheck(winSchema),
  rollback: compileCheck(rollbackSchema),
};

/** A missing or unknown field is syntax; a field of the wrong type or out of range is types. */
function validated<T>(check: (value: unknown) => SchemaProblem | undefined, value: unknown): T {
  const problem = check(value);
  if (!problem) return value as T;
  const syntax = problem.keyword === 'required' || problem.field === '(body)';
  throw new Refusal(syntax ? 'RS_ERROR_WRONG_SYNTAX' : 'RS_ERROR_WRONG_TYPES', `${problem.field} ${problem.message}`);
}

function exponentOf(currency: string): number {
  const exponent = currencyExponent(currency);
  if (exponent === undefined || exponent > WIRE_DECIMALS) throw new Refusal('RS_ERROR_WRONG_CURRENCY', `currency ${currency} is not supported`);
  return exponent;
}

/** The wire amount (its exact JSON text) in minor units of the currency; never rounded. */
function minorUnits(text: string | undefined, exponent: number): bigint {
  if (text === undefined || !/^\d{1,19}$/.test(text) || BigInt(text) > INT64_MAX) {
    throw new Refusal('RS_ERROR_WRONG_TYPES', 'amount must be an Int64 integer of 1/100000 units');
  }
  const scale = 10n ** BigInt(WIRE_DECIMALS - exponent);
  const wire = BigInt(text);
  if (wire % scale !== 0n) throw new Refusal('RS_ERROR_WRONG_TYPES', `amount ${text} is not a whole number of the currency's minor units`);
  return wire / scale;
}

function wireUnits(minor: bigint, currency: string): string {
  return (minor * 10n ** BigInt(WIRE_DECIMALS - currencyExponent(currency)!)).toString();
}

/** The answer's JSON, always HTTP 200; `balance` is written from its exact digits, never through a float. */
function reply(x: Exchange, body: Record<string, unknown>, balance: string | undefined): void {
  const fields = JSON.stringify(body);
  replyJson(x, 200, balance === undefined ? fields : `${fields.slice(0, -1)},"balance":${balance}}`);
}

function uuidOf(value: unknown): string | undefined {
  const uuid = (value as { request_uuid?: unknown } | null)?.request_uuid;
  return typeof uuid === 'string' ? uuid : undefined;
}

/** The request_uuid to echo from a call whose signature failed: read from bytes that may not even be JSON. */
function requestUuidIn(raw: Buffer): string | undefined {
  try {
    return uuidOf(parseJsonExact(raw, 'RS_ERROR_WRONG_SYNTAX').value);
  } catch {
    return undefined;
  }
}

export const HUB88_PATHS = ['/hub88/user/info', '/hub88/user/balance', '/hub88/transaction/bet', '/hub88/transaction/win', '/hub88/transaction/rollback'] as const;
type Path = (typeof HUB88_PATHS)[number];

export interface Hub88Options extends DoorOptions {
  db: Knex;
  wallet: WalletService;
}

interface Answer {
  status: string;
  user?: string;
  balance?: bigint;
  currency?: string;
  reason?: string;
}

type Action = (client: number, value: unknown, numberTexts: Map<string, string>) => Promise<Answer>;

/** The contract's door: the five routes, each signed, validated and answered as Hub88 expects. */
export function hub88Door(options: Hub88Options): Door {
  const { wallet } = options;
  const keys = new Hub88Keys(options.db);
  options.onKeysChanged?.(() => keys.forget());

  /** A wallet outcome as Hub88's answer; a refusal carries the balance, which Hub88 wants whenever the user is known. */
  const answer = async (kind: string, user: string, outcome: WalletOutcome): Promise<Answer> => {
    const status = statusOf(kind, outcome);
    const known = outcome.balance !== null && outcome.currency !== null ? { balance: outcome.balance, currency: outcome.currency } : await wallet.currentBalance(user);
    return { status, user, ...known, reason: outcome.reason ?? undefined };
  };

  const actions: Record<Path, Action> = {
    '/hub88/user/info': async (_client, value) => {
      const body = validated<Common>(checks.info, value);
      const known = await wallet.currentBalance(body.user);
      if (!known) throw new Refusal('RS_ERROR_UNKNOWN', `user ${body.user} does not exist`);
      return { status: 'RS_OK', user: body.user };
    },
    '/hub88/user/balance': async (client, value) => {
      const body = validated<BalanceBody>(checks.balance, value);
      return answer('balance', body.user, await wallet.balance(client, { playerId: body.user, sessionId: body.token, currency: null }));
    },
    '/hub88/transaction/bet': async (client, value, texts) => {
      const body = validated<MoneyBody>(checks.bet, value);
      const amount = minorUnits(texts.get('amount'), exponentOf(body.currency));
      const free = body.is_free === true || body.is_supplier_promo === true;
      const cash = free ? 0n : amount;
      return answer('bet', body.user, await wallet.withdraw(client, {
        playerId: body.user, sessionId: body.token, currency: body.currency, transactionId: body.transaction_uuid,
        gameId: body.game_code!, gameRoundId: body.round ?? body.transaction_uuid, amount: cash, cashAmount: cash, jackpotAmount: null,
        isGameRoundFinished: body.round_closed === true,
        identity: [body.user, body.currency, body.game_code!, body.round ?? null, texts.get('amount')!, free],
      }));
    },
    '/hub88/transaction/win': async (client, value, texts) => {
      const body = validated<WinBody>(checks.win, value);
      const amount = minorUnits(texts.get('amount'), exponentOf(body.currency));
      const bet = body.reference_transaction_uuid ?? (await promoBetOf(client, body));
      return answer('win', body.user, await wallet.deposit(client, {
        playerId: body.user, currency: body.currency, transactionId: body.transaction_uuid, gameId: body.game_code ?? null,
        gameRoundId: body.round ?? null, amount, cashAmount: amount, jackpotAmount: null, isGameRoundFinished: body.round_closed === true,
        withdrawTransactionId: bet,
        identity: [body.user, body.currency, body.game_code ?? null, body.round ?? null, texts.get('amount')!, body.reference_transaction_uuid ?? null],
      }));
    },
    '/hub88/transaction/rollback': async (client, value) => {
      const body = validated<RollbackBody>(checks.rollback, value);
      if (body.currency) exponentOf(body.currency);
      return answer('rollback', body.user, await wallet.rollback(client, {
        playerId: body.user, currency: body.currency ?? null, transactionId: body.transaction_uuid, gameId: body.game_code ?? null,
        gameRoundId: body.round ?? null, withdrawTransactionId: body.reference_transaction_uuid,
        identity: [body.user, body.currency ?? null, body.game_code ?? null, body.round ?? null, body.reference_transaction_uuid],
      }));
    },
  };

  /**
   * A supplier's promotion may pay a win that names no bet (Hub88's changelog makes the reference optional for it):
   * it belongs to the zero bet Hub88 sent for it in the round where there is one, and otherwise is credited as a
   * promotion win of its round alone (null), idempotent by its transaction_uuid like any win.
   */
  async function promoBetOf(client: number, body: WinBody): Promise<string | null> {
    if (body.is_supplier_promo !== true) throw new Refusal('RS_ERROR_WRONG_SYNTAX', 'reference_transaction_uuid is required');
    if (!body.round || !body.game_code) throw new Refusal('RS_ERROR_WRONG_SYNTAX', 'a promotion win without reference_transaction_uuid names its round and game_code');
    return (await wallet.lastBetOf(client, body.user, body.round)) ?? null;
  }

  const serve = (action: Action) => async (x: Exchange) => {
    let raw: Buffer | undefined;
    let requestUuid: string | undefined;
    try {
      raw = await getRawBody(x.req, { limit: BODY_LIMIT_BYTES });
      const signature = x.req.headers['x-hub88-signature'];
      const client = typeof signature === 'string' ? await keys.signer(raw, signature.trim()) : undefined;
      if (client === undefined) {
        requestUuid = requestUuidIn(raw);
        throw new Refusal('RS_ERROR_INVALID_SIGNATURE', "couldn't verify the signature of the request");
      }
      const { value, numberTexts } = parseJsonExact(raw, 'RS_ERROR_WRONG_SYNTAX');
      requestUuid = uuidOf(value);
      respond(x, requestUuid, await action(client, value, numberTexts));
    } catch (error) {
      respond(x, requestUuid, failureOf(error, x));
    }
  };
  return openDoor(Object.fromEntries(HUB88_PATHS.map((path) => [path, serve(actions[path])])), options);
}

function respond(x: Exchange, requestUuid: string | undefined, result: Answer): void {
  if (result.status !== 'RS_OK') x.code = result.status;
  const money = result.balance !== undefined && result.currency !== undefined;
  if (result.status !== 'RS_OK' && result.reason) x.log.info('hub88 refusal', { traceId: x.traceId, status: result.status, reason: result.reason });
  reply(x, { ...(result.user ? { user: result.user } : {}), status: result.status, request_uuid: requestUuid, ...(money ? { currency: result.currency } : {}) },
    money ? wireUnits(result.balance!, result.currency!) : undefined);
}

/** Anything that went wrong, as Hub88 hears it: a refusal's own status, a body we could not read, or RS_ERROR_UNKNOWN. */
function failureOf(error: unknown, x: Exchange): Answer {
  if (error instanceof Refusal) return { status: error.status, reason: error.message };
  if (error instanceof ApiError) return { status: 'RS_ERROR_WRONG_SYNTAX', reason: error.message };
  const unreadable = bodyParserFailure(error);
  if (unreadable) return { status: 'RS_ERROR_WRONG_SYNTAX', reason: unreadable.message };
  x.log.error('hub88 call failed', { traceId: x.traceId, error: (error as Error).message, stack: (error as Error).stack });
  return { status: 'RS_ERROR_UNKNOWN', reason: (error as Error).message };
}
