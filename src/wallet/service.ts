import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { isConnectionLoss, OutcomeUnknown, untilOutcomeKnown } from '../db';

/** Below the 5 s that aggregators give a wallet call at most (some give 1 s: WALLET_DEADLINE_MS). */
export const DEFAULT_DEADLINE_MS = 4000;

export interface WalletOutcome {
  status: number;
  code: string | null;
  reason: string | null;
  balance: bigint | null;
  currency: string | null;
}

export interface BalanceQuery {
  playerId: string;
  sessionId: string;
  currency: string;
}

/** A field that decides whether two requests with one transactionId are the same request. */
type IdentityField = string | bigint | boolean | null;

/**
 * The fields that make a retry "the same request", where a contract defines them (Hub88 leaves the round's
 * closing out, and counts its own wire amount); each call kind has a default, Fizzy Bubbly's.
 */
interface Identified {
  identity?: IdentityField[];
}

export interface WithdrawCommand extends BalanceQuery, Identified {
  transactionId: string;
  gameId: string;
  gameRoundId: string;
  amount: bigint;
  cashAmount: bigint;
  jackpotAmount: bigint | null;
  isGameRoundFinished: boolean;
}

/** A deposit's or rollback's round, game and currency may be null: the routine then takes its withdraw's. */
export interface DepositCommand extends Omit<WithdrawCommand, 'gameId' | 'gameRoundId' | 'sessionId'> {
  gameId: string | null;
  gameRoundId: string | null;
  /** Null only for a supplier's promotion win, which names no bet (Hub88 is_supplier_promo): a win of its round alone. */
  withdrawTransactionId: string | null;
}

export interface RollbackCommand extends Identified {
  playerId: string;
  currency: string | null;
  transactionId: string;
  gameId: string | null;
  gameRoundId: string | null;
  withdrawTransactionId: string;
}

export interface OutcomeRow {
  r_index?: number;
  r_status: number;
  r_code: string | null;
  r_reason: string | null;
  r_balance: string | null;
  r_currency: string | null;
}

/**
 * What makes two requests "the same" for idempotency: the parsed fields that decide money and rounds,
 * amounts as exact minor units, field order irrelevant. The session is left out: a retry may carry a newer one.
 */
function requestHash(kind: string, fields: IdentityField[]): string {
  const canonical = JSON.stringify([kind, ...fields.map((f) => (typeof f === 'bigint' ? f.toString() : f))]);
  return createHash('sha256').update(canonical).digest('hex');
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: OutcomeRow[] }>;
}

type Kind = 'balance' | 'withdraw' | 'deposit' | 'rollback';

/** One wallet call, by the names wallet_batch reads (src/wallet/routines.sql); amounts in minor units. */
export interface Call {
  kind: Kind;
  client: number;
  player: string;
  currency: string | null;
  session?: string;
  tx?: string;
  hash?: string;
  game?: string | null;
  round?: string | null;
  amount?: string;
  cash?: string;
  jackpot?: string | null;
  finished?: boolean;
  withdrawTx?: string | null;
}

/** Each routine's parameters in order: a call alone is a named prepared statement, parsed and planned once per connection. */
const PARAMETERS: Record<Kind, (keyof Call)[]> = {
  balance: ['client', 'player', 'session', 'currency'],
  withdraw: ['client', 'tx', 'hash', 'player', 'session', 'currency', 'game', 'round', 'amount', 'cash', 'jackpot', 'finished'],
  deposit: ['client', 'tx', 'hash', 'player', 'currency', 'game', 'round', 'amount', 'cash', 'jackpot', 'finished', 'withdrawTx'],
  rollback: ['client', 'tx', 'hash', 'player', 'currency', 'game', 'round', 'withdrawTx'],
};

const STATEMENTS = Object.fromEntries(Object.entries(PARAMETERS).map(([kind, names]) => [kind, {
  name: `wallet_${kind}`,
  text: `SELECT * FROM wallet_${kind}(${names.map((_n, i) => `$${i + 1}`).join(', ')})`,
}])) as Record<Kind, { name: string; text: string }>;
const BATCH = { name: 'wallet_batch', text: 'SELECT * FROM wallet_batch($1::jsonb)' };

async function onConnection<T>(db: Knex, work: (connection: PgConnection) => Promise<T>): Promise<T> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    return await work(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * One call alone. Calls of one player are serialised by the database; the only race left is one transactionId
 * sent for two players at once, where the loser hits the unique key and is answered on the second try from the
 * stored row. A call whose connection breaks is sent again by its key (untilOutcomeKnown), so its answer is true.
 */
function runAlone(db: Knex, call: Call, unknown = false): Promise<OutcomeRow> {
  const statement = STATEMENTS[call.kind];
  const values = PARAMETERS[call.kind].map((name) => call[name] ?? null);
  const once = () => onConnection(db, async (c) => (await c.query({ ...statement, values })).rows[0]);
  return untilOutcomeKnown(async () => {
    try {
      return await once();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return once();
    }
  }, undefined, unknown);
}

interface Pending {
  call: Call;
  resolve: (row: OutcomeRow) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Batches in flight at once (each on its own connection). */
  slots: number;
  /** Calls in one batch at most. */
  maxCalls: number;
}

/** Where a worker's wallet calls are committed: its own group commit, or its cluster's (hub.ts). */
export interface Commits {
  submit(call: Call): Promise<OutcomeRow>;
  /** Only where the group commit runs in this process. */
  readonly stats?: GroupCommitStats;
}

export interface GroupCommitStats {
  alone: number;
  batches: number;
  batchedCalls: number;
  retriedAlone: number;
}

/**
 * Group commit. A call that finds a slot free goes to the database at once, alone, so nothing waits at low load.
 * Calls that arrive while every slot is busy queue, and the next free slot takes up to `maxCalls` of them as one
 * batch: one round trip, one transaction, one commit (wallet_batch). While a batch is in flight, the calls that
 * arrive meanwhile form the next (docs/benchmark.md "Calls per commit"), unless half a batch is already waiting:
 * then another batch goes beside it, since one batch runs its calls one after another on one backend and alone
 * caps the server near one call per 0.2 ms whatever its cores. If a batch fails as a whole (a raced key, a
 * timeout, a lost connection), each of its calls runs again alone, so each gets its own true answer: one that
 * committed is found by its transactionId and replayed.
 */
export class GroupCommit implements Commits {
  private readonly queue: Pending[] = [];
  private busy = 0;
  private batchesInFlight = 0;
  /** Calls that went alone, batches of more than one call committed, the calls in them, and calls run alone after their batch failed. */
  readonly stats: GroupCommitStats = { alone: 0, batches: 0, batchedCalls: 0, retriedAlone: 0 };

  constructor(private readonly db: Knex, private readonly options: GroupCommitOptions) {}

  submit(call: Call): Promise<OutcomeRow> {
    return this.submitTogether([call])[0];
  }

  /** Calls that arrived together (a worker's hand-over, hub.ts) queue together, so a free slot takes them as one batch, not each alone. */
  submitTogether(calls: Call[]): Promise<OutcomeRow>[] {
    const answers = calls.map((call) => new Promise<OutcomeRow>((resolve, reject) => this.queue.push({ call, resolve, reject })));
    this.pump();
    return answers;
  }

  private pump(): void {
    while (this.busy < this.options.slots && this.queue.length > 0) {
      // calls that queue behind a batch in flight wait for it and go together as the next one, rather than each taking
      // a freed slot alone, which would cost a commit each just when the database is busiest; half a batch waiting
      // is more than one batch at a time can keep up with, so it goes beside it
      if (this.batchesInFlight > 0 && this.queue.length < Math.ceil(this.options.maxCalls / 2)) return;
      const batch = this.queue.splice(0, this.options.maxCalls);
      this.busy += 1;
      void this.run(batch).finally(() => {
        this.busy -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      const failure = await this.commitTogether(batch);
      if (failure === undefined) return;
      // the batch rolled back as a whole, or its connection broke and whether it committed is unknown: each call
      // alone, and in the second case each stays in doubt until the database answers for it
      this.stats.retriedAlone += batch.length;
      await Promise.all(batch.map((p) => runAlone(this.db, p.call, isConnectionLoss(failure.error)).then(p.resolve, p.reject)));
      return;
    }
    this.stats.alone += batch.length;
    await Promise.all(batch.map((p) => runAlone(this.db, p.call).then(p.resolve, p.reject)));
  }

  /**
   * The batch's one round trip: its calls answered, or why it failed. It holds the queue only for that round trip,
   * so calls it leaves to run alone (one waiting on a player's lock, say) never hold up the next batch.
   */
  private async commitTogether(batch: Pending[]): Promise<{ error: unknown } | undefined> {
    this.batchesInFlight += 1;
    try {
      const rows = await onConnection(this.db, async (c) => (await c.query({ ...BATCH, values: [JSON.stringify(batch.map((p) => p.call))] })).rows);
      for (const row of rows) batch[row.r_index!].resolve(row);
      this.stats.batches += 1;
      this.stats.batchedCalls += batch.length;
      return undefined;
    } catch (error) {
      return { error };
    } finally {
      this.batchesInFlight -= 1;
      this.pump();
    }
  }
}

function outcome(row: OutcomeRow): WalletOutcome {
  return {
    status: row.r_status,
    code: row.r_code,
    reason: row.r_reason,
    balance: row.r_balance === null ? null : BigInt(row.r_balance),
    currency: row.r_currency,
  };
}

/**
 * The call's answer, or, once `ms` have passed without one, OutcomeUnknown: the aggregator gets a true answer within
 * its budget (WALLET_DEADLINE_MS) whatever the database does. The call itself goes on, and a retry under its id
 * gets its outcome.
 */
function withinDeadline<T>(answer: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new OutcomeUnknown(`no answer from the database within WALLET_DEADLINE_MS (${ms} ms)`)), ms);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/** The wallet's four calls, through one group commit: this process's own, or `commits` (a cluster's, hub.ts). */
export function walletService(db: Knex, options: GroupCommitOptions & { deadlineMs?: number; commits?: Commits }) {
  const commits = options.commits ?? new GroupCommit(db, options);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const run = async (call: Call) => outcome(await withinDeadline(commits.submit(call), deadlineMs));
  return {
    commits,
    /** A null currency is not checked: a contract whose balance call names none (Hub88) gets the wallet's. */
    balance: (clientId: number, q: Omit<BalanceQuery, 'currency'> & { currency: string | null }) =>
      run({ kind: 'balance', client: clientId, player: q.playerId, session: q.sessionId, currency: q.currency }),

    withdraw: (clientId: number, c: WithdrawCommand) =>
      run({
        kind: 'withdraw', client: clientId, tx: c.transactionId, player: c.playerId, session: c.sessionId, currency: c.currency,
        game: c.gameId, round: c.gameRoundId, amount: c.amount.toString(), cash: c.cashAmount.toString(),
        jackpot: c.jackpotAmount?.toString() ?? null, finished: c.isGameRoundFinished,
        hash: requestHash('withdraw', c.identity ?? [c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount, c.cashAmount, c.jackpotAmount, c.isGameRoundFinished]),
      }),

    deposit: (clientId: number, c: DepositCommand) =>
      run({
        kind: 'deposit', client: clientId, tx: c.transactionId, player: c.playerId, currency: c.currency, game: c.gameId,
        round: c.gameRoundId, amount: c.amount.toString(), cash: c.cashAmount.toString(), jackpot: c.jackpotAmount?.toString() ?? null,
        finished: c.isGameRoundFinished, withdrawTx: c.withdrawTransactionId,
        hash: requestHash('deposit', c.identity ?? [c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount, c.cashAmount, c.jackpotAmount,
          c.isGameRoundFinished, c.withdrawTransactionId]),
      }),

    rollback: (clientId: number, c: RollbackCommand) =>
      run({
        kind: 'rollback', client: clientId, tx: c.transactionId, player: c.playerId, currency: c.currency, game: c.gameId,
        round: c.gameRoundId, withdrawTx: c.withdrawTransactionId,
        hash: requestHash('rollback', c.identity ?? [c.playerId, c.currency, c.gameId, c.gameRoundId, c.withdrawTransactionId]),
      }),

    /** The player's balance and currency, read without a session: what a contract that answers a refusal with the balance needs. */
    async currentBalance(playerId: string): Promise<{ balance: bigint; currency: string } | undefined> {
      const row = await db('players as p').join('accounts as a', function cash() {
        this.on('a.player_id', 'p.id').andOnVal('a.kind', 'player_cash');
      }).where('p.external_id', playerId).first<{ balance: string; currency: string } | undefined>('a.balance', 'p.currency');
      return row && { balance: BigInt(row.balance), currency: row.currency };
    },

    /** The last bet (withdraw) of a player in a round under a client's scope: what a win naming no bet belongs to. */
    async lastBetOf(clientId: number, playerId: string, round: string): Promise<string | undefined> {
      const { rows } = await db.raw<{ rows: { transaction_id: string }[] }>(`
        SELECT w.transaction_id FROM wallet_transactions w JOIN players p ON p.id = w.player_id
         WHERE p.external_id = ? AND w.game_round_id = ? AND w.kind = 'withdraw'
           AND w.client_id = (SELECT coalesce(scope_id, id) FROM api_clients WHERE id = ?)
         ORDER BY w.id DESC LIMIT 1`, [playerId, round, clientId]);
      return rows[0]?.transaction_id;
    },
  };
}

export type WalletService = ReturnType<typeof walletService>;
