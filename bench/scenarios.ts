/**
 * What each benchmark scenario sends. A scenario is a set of virtual clients, each a loop of steps; a step is one
 * signed wallet call. Ids are deterministic so that the deposit scenario can settle the bets the withdraw
 * scenario placed, and the duplicate scenario can resend earlier requests byte for byte.
 */
export interface Step {
  path: '/wallet/balance' | '/wallet/withdraw' | '/wallet/deposit' | '/wallet/rollback' | '/hub88/transaction/bet';
  body: Record<string, unknown>;
  transactionId?: string;
}

export interface World {
  players: number;
  /** Player i is `bench-${i}` with session `bench-session-${i}`; player 0 is the hot one. */
  stake: number;
}

export const playerId = (i: number) => `bench-${i}`;
export const sessionId = (i: number) => `bench-session-${i}`;
/** Player i's Hub88 session (token). */
export const hub88SessionId = (i: number) => `bench-hub88-session-${i}`;

/** The withdraw scenario's bet in Hub88's contract: the same stake, in 1/100000 of the currency. */
function hub88BetStep(world: World, player: number, id: string, round: string): Step {
  return {
    path: '/hub88/transaction/bet',
    transactionId: id,
    body: {
      user: playerId(player), token: hub88SessionId(player), currency: 'EUR', game_code: 'bench-slot', round, round_closed: false,
      is_free: false, transaction_uuid: id, request_uuid: `req-${id}`, amount: Math.round(world.stake * 100_000),
    },
  };
}

function betStep(world: World, player: number, id: string, round: string): Step {
  return {
    path: '/wallet/withdraw',
    transactionId: id,
    body: {
      playerId: playerId(player),
      sessionId: sessionId(player),
      currency: 'EUR',
      gameId: 'bench-slot',
      gameRoundId: round,
      transactionId: id,
      amount: world.stake,
      cashAmount: world.stake,
      jackpotAmount: null,
      isGameRoundFinished: false,
    },
  };
}

function winStep(world: World, player: number, id: string, betId: string, round: string): Step {
  const step = betStep(world, player, id, round);
  return {
    path: '/wallet/deposit',
    transactionId: id,
    body: { ...step.body, withdrawTransactionId: betId, isGameRoundFinished: true },
  };
}

function rollbackStep(player: number, id: string, betId: string, round: string): Step {
  return {
    path: '/wallet/rollback',
    transactionId: id,
    body: { playerId: playerId(player), sessionId: sessionId(player), currency: 'EUR', gameId: 'bench-slot', gameRoundId: round, transactionId: id, withdrawTransactionId: betId },
  };
}

function balance(player: number): Step {
  return { path: '/wallet/balance', body: { playerId: playerId(player), sessionId: sessionId(player), currency: 'EUR' } };
}

export type ScenarioName = 'withdraw' | 'deposit' | 'rollback' | 'balance' | 'mix' | 'hot-withdraw' | 'duplicates' | 'hub88-withdraw';

/** Returns the step source of a scenario: next(n) gives the n-th step of the whole run (n counts from 0). */
export function scenario(name: ScenarioName, world: World, previousWithdraws: number, idPrefix = ''): (n: number) => Step[] {
  const spread = (n: number) => 1 + (n % (world.players - 1));
  const bet = (w: World, player: number, id: string, round: string) => betStep(w, player, idPrefix + id, idPrefix + round);
  const win = (w: World, player: number, id: string, betId: string, round: string) =>
    winStep(w, player, idPrefix + id, idPrefix + betId, idPrefix + round);
  switch (name) {
    case 'withdraw':
      return (n) => [bet(world, spread(n), `w-${n}`, `r-w-${n}`)];
    case 'deposit':
      // settles the bets of the withdraw scenario, several wins per bet if it sent more requests than those
      return (n) => {
        const k = n % Math.max(1, previousWithdraws);
        return [win(world, spread(k), `d-${n}`, `w-${k}`, `r-w-${k}`)];
      };
    case 'rollback':
      // a bet and its rollback: every rollback refunds a bet once (a rollback with nothing to refund moves nothing)
      return (n) => [bet(world, spread(n), `b-${n}`, `r-b-${n}`), rollbackStep(spread(n), idPrefix + `rb-${n}`, idPrefix + `b-${n}`, idPrefix + `r-b-${n}`)];
    case 'balance':
      return (n) => [balance(spread(n))];
    case 'mix':
      // one round per step group: balance, bet, win
      return (n) => [balance(spread(n)), bet(world, spread(n), `m-${n}`, `r-m-${n}`), win(world, spread(n), `mw-${n}`, `m-${n}`, `r-m-${n}`)];
    case 'hot-withdraw':
      return (n) => [bet(world, 0, `h-${n}`, `r-h-${n}`)];
    case 'hub88-withdraw':
      return (n) => [hub88BetStep(world, spread(n), `${idPrefix}hw-${n}`, `${idPrefix}r-hw-${n}`)];
    case 'duplicates':
      // every fifth request resends one of the last hundred bets, byte for byte
      return (n) => {
        if (n % 5 === 4 && n > 100) {
          const earlier = n - 1 - ((n * 7919) % 100);
          const k = earlier % 5 === 4 ? earlier - 1 : earlier;
          return [bet(world, spread(k), `u-${k}`, `r-u-${k}`)];
        }
        return [bet(world, spread(n), `u-${n}`, `r-u-${n}`)];
      };
    default:
      throw new Error(`unknown scenario ${name as string}`);
  }
}
