import { Knex } from 'knex';
import { ignoreProgress, OnProgress } from '../progress';

export interface LedgerProblem {
  check:
    | 'currency_sum'
    | 'cached_balance'
    | 'negative_balance'
    | 'dangling_reference'
    | 'missing_transfer'
    | 'withdraw_refunds'
    | 'withdraw_refunded_and_paid'
    | 'payout_movements'
    | 'approval_holds'
    | 'deposit_movements'
    | 'payin_accounts'
    | 'unclaimed_funds';
  detail: Record<string, string>;
}

export interface LedgerReport {
  sound: boolean;
  accounts: number;
  transfers: number;
  /** Wall time of the check, for the README's figure on a million transfers. */
  ms: number;
  problems: LedgerProblem[];
}

/**
 * Proves the ledger adds up: every currency sums to zero, every cached balance equals its transfers
 * (credits minus debits), no account is below zero unless it may be, no movement points at nothing, every
 * accepted withdraw is open, settled by deposits or refunded exactly once (never refunded and paid), and every
 * payout's ledger movements match its state.
 */
export async function checkLedger(db: Knex, options: { timeoutMs?: number; onProgress?: OnProgress } = {}): Promise<LedgerReport> {
  // one snapshot for every query, so movements committed while the check runs cannot look like a fault
  return inSnapshot(db, options.timeoutMs ?? 600_000, (trx) => checkSnapshot(trx, options.onProgress ?? ignoreProgress));
}

/**
 * Runs `fn` in a read-only transaction on one snapshot (repeatable read), with its own statement timeout: the
 * short one of API calls does not fit a proof or a report over the whole ledger.
 */
export async function inSnapshot<T>(db: Knex, timeoutMs: number, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(
    async (trx) => {
      await trx.raw(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
      return fn(trx);
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

type Row = Record<string, string>;

/** One proof: a query for the rows that break it (at most 100), and what a problem row says. */
interface Check {
  check: LedgerProblem['check'];
  sql: string;
  detail: (row: Row) => Record<string, string>;
}

const CHECKS: Check[] = [
  {
    check: 'currency_sum',
    sql: 'SELECT currency, sum(balance)::text AS total FROM accounts GROUP BY currency HAVING sum(balance) <> 0',
    detail: (r) => ({ currency: r.currency, total: r.total }),
  },
  {
    check: 'cached_balance',
    sql: `
      WITH movement AS (
        SELECT debit_account_id AS account_id, -amount AS delta FROM ledger_movements
        UNION ALL SELECT credit_account_id, amount FROM ledger_movements
      ), computed AS (
        SELECT account_id, sum(delta) AS total FROM movement GROUP BY account_id
      )
      SELECT a.id, a.balance::text, coalesce(c.total, 0)::text AS computed
      FROM accounts a LEFT JOIN computed c ON c.account_id = a.id
      WHERE a.balance <> coalesce(c.total, 0)
      LIMIT 100`,
    detail: (r) => ({ accountId: r.id, cached: r.balance, fromTransfers: r.computed }),
  },
  {
    check: 'negative_balance',
    sql: 'SELECT id, balance::text FROM accounts WHERE balance < 0 AND NOT allow_negative',
    detail: (r) => ({ accountId: r.id, balance: r.balance }),
  },
  {
    // the hot tables carry no foreign keys (migration 002): prove their references here instead
    check: 'dangling_reference',
    sql: `
      SELECT 'transfers.debit_account_id' AS source, t.id::text FROM transfers t
        WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.debit_account_id)
      UNION ALL SELECT 'transfers.credit_account_id', t.id::text FROM transfers t
        WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.credit_account_id)
      UNION ALL SELECT 'wallet_transactions.transfer_id', w.id::text FROM wallet_transactions w
        WHERE w.transfer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.id = w.transfer_id)
      UNION ALL SELECT 'wallet_transactions.player_id', w.id::text FROM wallet_transactions w
        WHERE NOT EXISTS (SELECT 1 FROM players p WHERE p.id = w.player_id)
      LIMIT 100`,
    detail: (r) => ({ reference: r.source, rowId: r.id }),
  },
  {
    // every accepted bet, win and refund moved its amount, and nothing else moved anything. Since migration 022 the
    // movement is the wallet row itself: from the player's own cash account to a house account of its currency for
    // a bet, back for a win or a refund, with both balances after it; earlier rows point at their transfer
    check: 'missing_transfer',
    sql: `
      SELECT w.id::text, w.kind, w.transaction_id FROM wallet_transactions w
      LEFT JOIN transfers t ON t.id = w.transfer_id
      LEFT JOIN accounts pa ON pa.id = CASE WHEN w.kind = 'withdraw' THEN w.debit_account_id ELSE w.credit_account_id END
      LEFT JOIN accounts ha ON ha.id = CASE WHEN w.kind = 'withdraw' THEN w.credit_account_id ELSE w.debit_account_id END
      WHERE (w.response_status = 200 AND (w.kind IN ('withdraw', 'deposit') OR (w.kind = 'rollback' AND w.amount IS NOT NULL)))
              IS DISTINCT FROM (w.transfer_id IS NOT NULL OR w.debit_account_id IS NOT NULL)
         OR (w.transfer_id IS NOT NULL AND (t.id IS NULL OR t.amount <> w.amount OR w.debit_account_id IS NOT NULL))
         OR (w.debit_account_id IS NOT NULL AND (pa.player_id IS DISTINCT FROM w.player_id OR ha.kind IS DISTINCT FROM 'house'
              OR ha.currency <> w.currency OR w.amount IS NULL OR w.amount < 0
              OR w.debit_balance_after IS NULL OR w.credit_balance_after IS NULL))
      LIMIT 100`,
    detail: (r) => ({ kind: r.kind, transactionId: r.transaction_id }),
  },
  {
    // every accepted withdraw is open, settled by deposits, or refunded exactly once. Both halves start from the
    // smaller side and reach the other through its unique key, so the check stays linear as the tables grow
    check: 'withdraw_refunds',
    sql: `
      SELECT w.id::text, w.transaction_id, r.refunds::text, (w.rolled_back_by IS NOT NULL)::text AS rolled_back
      FROM (SELECT client_id, withdraw_transaction_id, count(*) AS refunds FROM wallet_transactions
            WHERE kind = 'rollback' AND amount IS NOT NULL GROUP BY 1, 2) r
      JOIN wallet_transactions w ON w.client_id = r.client_id AND w.transaction_id = r.withdraw_transaction_id
      WHERE w.kind = 'withdraw' AND w.response_status = 200 AND (r.refunds > 1 OR w.rolled_back_by IS NULL)
      UNION ALL
      SELECT w.id::text, w.transaction_id, '0', 'true' FROM wallet_transactions w
      LEFT JOIN wallet_transactions r ON r.client_id = w.client_id AND r.transaction_id = w.rolled_back_by
      WHERE w.kind = 'withdraw' AND w.response_status = 200 AND w.rolled_back_by IS NOT NULL
        AND (r.id IS NULL OR r.kind <> 'rollback' OR r.amount IS NULL OR r.withdraw_transaction_id <> w.transaction_id)
      LIMIT 100`,
    detail: (r) => ({ transactionId: r.transaction_id, refunds: r.refunds, markedRolledBack: r.rolled_back }),
  },
  {
    // under Fizzy Bubbly's rules a bet is either refunded or paid; Hub88 refunds the stake of a bet that already
    // won and leaves the win (docs/wallet.md "Hub88"), so there both may stand
    check: 'withdraw_refunded_and_paid',
    sql: `
      SELECT DISTINCT w.id::text, w.transaction_id FROM wallet_transactions d
      JOIN wallet_transactions w ON w.client_id = d.client_id AND w.transaction_id = d.withdraw_transaction_id
      JOIN api_clients c ON c.id = w.client_id AND c.aggregator = 'fizzy-bubbly'
      WHERE d.kind = 'deposit' AND w.kind = 'withdraw' AND w.rolled_back_by IS NOT NULL
      LIMIT 100`,
    detail: (r) => ({ transactionId: r.transaction_id }),
  },
  {
    // a payout's ledger legs follow its state, each of its amount: one reserve; a release iff failed/cancelled; a
    // settle iff it succeeded (reversed included); a reversal iff reversed
    check: 'payout_movements',
    sql: `
      SELECT p.id::text, p.status, string_agg(t.kind, ',' ORDER BY t.kind) AS legs
      FROM payouts p LEFT JOIN transfers t ON t.reference = p.id::text AND t.kind LIKE 'payout\\_%'
      GROUP BY p.id
      HAVING count(*) FILTER (WHERE t.kind = 'payout_reserve') <> 1
          OR bool_or(t.amount <> p.amount)
          OR (count(*) FILTER (WHERE t.kind = 'payout_release') = 1) <> (p.status IN ('failed', 'cancelled'))
          OR (count(*) FILTER (WHERE t.kind = 'payout_settle') = 1) <> (p.status IN ('succeeded', 'reversed'))
          OR (count(*) FILTER (WHERE t.kind = 'payout_reverse') = 1) <> (p.status = 'reversed')
          OR count(*) FILTER (WHERE t.kind IN ('payout_release', 'payout_settle', 'payout_reverse')) > 2
      LIMIT 100`,
    detail: (r) => ({ payoutId: r.id, status: r.status, legs: r.legs ?? '' }),
  },
  {
    // a deposit's ledger legs follow its state, each of the amount that arrived: a credit iff credited; a hold iff
    // held or returned; a return iff returned
    check: 'deposit_movements',
    sql: `
      SELECT d.id::text, d.status, string_agg(t.kind, ',' ORDER BY t.kind) AS legs
      FROM deposits d LEFT JOIN transfers t ON t.reference = d.id::text AND t.kind LIKE 'deposit\\_%'
      GROUP BY d.id
      HAVING bool_or(t.amount <> d.paid_amount)
          OR (count(*) FILTER (WHERE t.kind = 'deposit_credit') = 1) <> (d.status = 'credited')
          OR (count(*) FILTER (WHERE t.kind = 'deposit_hold') = 1) <> (d.status IN ('held', 'returned'))
          OR (count(*) FILTER (WHERE t.kind = 'deposit_return') = 1) <> (d.status = 'returned')
          OR count(*) FILTER (WHERE t.kind LIKE 'deposit\\_%') > 2
      LIMIT 100`,
    detail: (r) => ({ depositId: r.id, status: r.status, legs: r.legs ?? '' }),
  },
  {
    // a currency's held account holds exactly the held deposits, and its clearing accounts are short by exactly
    // what was credited or is held (a returned deposit went back out)
    check: 'payin_accounts',
    sql: `
      SELECT a.kind, a.currency, sum(a.balance)::text AS balance, coalesce(max(w.waiting), 0)::text AS expected
      FROM accounts a
      LEFT JOIN (SELECT currency, 'payin_held' AS kind, sum(paid_amount) AS waiting FROM deposits WHERE status = 'held' GROUP BY currency
                 UNION ALL SELECT currency, 'payin_clearing', -sum(paid_amount) FROM deposits WHERE status IN ('credited', 'held') GROUP BY currency) w
        ON w.currency = a.currency AND w.kind = a.kind
      WHERE a.kind IN ('payin_held', 'payin_clearing')
      GROUP BY a.kind, a.currency
      HAVING sum(a.balance) <> coalesce(max(w.waiting), 0)
      LIMIT 100`,
    detail: (r) => ({ account: r.kind, currency: r.currency, balance: r.balance, expected: r.expected }),
  },
  {
    // four eyes: a currency's approval hold holds exactly the debits still waiting for a second person
    check: 'approval_holds',
    sql: `
      SELECT a.currency, a.balance::text AS held,
             coalesce((SELECT sum(-p.amount) FROM approvals p WHERE p.kind = 'adjustment' AND p.currency = a.currency AND p.status = 'pending' AND p.amount < 0), 0)::text AS waiting
      FROM accounts a WHERE a.kind = 'approval_hold'
        AND a.balance <> coalesce((SELECT sum(-p.amount) FROM approvals p WHERE p.kind = 'adjustment' AND p.currency = a.currency AND p.status = 'pending' AND p.amount < 0), 0)
      LIMIT 100`,
    detail: (r) => ({ currency: r.currency, held: r.held, waiting: r.waiting }),
  },
  {
    // player protection: a currency's unclaimed account holds exactly the balances of closed accounts that could not be paid back
    check: 'unclaimed_funds',
    sql: `
      SELECT a.currency, a.balance::text AS held, coalesce(u.parked, 0)::text AS parked
      FROM accounts a
      LEFT JOIN (SELECT p.currency, sum(i.unclaimed_amount) AS parked FROM impediments i JOIN players p ON p.id = i.player_id
                 WHERE i.unclaimed_at IS NOT NULL GROUP BY p.currency) u ON u.currency = a.currency
      WHERE a.kind = 'unclaimed' AND a.balance <> coalesce(u.parked, 0)
      LIMIT 100`,
    detail: (r) => ({ currency: r.currency, held: r.held, parked: r.parked }),
  },
];

async function checkSnapshot(db: Knex.Transaction, onProgress: OnProgress): Promise<LedgerReport> {
  const started = Date.now();
  const total = CHECKS.length + 1;
  const problems: LedgerProblem[] = [];
  for (const [index, { check, sql, detail }] of CHECKS.entries()) {
    onProgress({ phase: check, done: index, total });
    const { rows } = await db.raw<{ rows: Row[] }>(sql);
    problems.push(...rows.map((row) => ({ check, detail: detail(row) })));
  }
  onProgress({ phase: 'counting', done: CHECKS.length, total });
  const counts = await db.raw<{ rows: { accounts: string; transfers: string }[] }>(
    'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM ledger_movements) AS transfers',
  );
  onProgress({ phase: 'done', done: total, total });
  return {
    sound: problems.length === 0,
    accounts: Number(counts.rows[0].accounts),
    transfers: Number(counts.rows[0].transfers),
    ms: Date.now() - started,
    problems,
  };
}

const EXPLAIN: Record<LedgerProblem['check'], string> = {
  currency_sum: 'accounts of a currency do not sum to zero',
  cached_balance: 'a balance differs from the sum of its transfers',
  negative_balance: 'an account that may not go negative is negative',
  dangling_reference: 'a row points at a row that does not exist',
  missing_transfer: 'an accepted bet, win or refund has no movement of its amount between its player and the house, or a wallet call moved money it should not have',
  withdraw_refunds: 'a withdraw was refunded more than once, or its rollback mark disagrees with its refunds',
  withdraw_refunded_and_paid: 'a withdraw was both refunded and paid a win',
  payout_movements: "a payout's ledger movements do not match its state",
  deposit_movements: "a deposit's ledger movements do not match its state",
  payin_accounts: 'a pay-in account does not hold exactly what the deposits say is credited or held',
  approval_holds: 'an approval hold does not hold exactly the debits waiting for a second person',
  unclaimed_funds: 'an unclaimed account does not hold exactly the balances of closed accounts that could not be paid back',
};

/** The report as lines a person reads in a terminal: a verdict, then one line per problem. */
export function describeLedgerReport(report: LedgerReport): string {
  const head = `${report.sound ? 'ledger sound' : `ledger NOT sound: ${report.problems.length} problem(s)`}; ` +
    `${report.accounts} accounts, ${report.transfers} transfers, checked in ${report.ms} ms\n`;
  return head + report.problems.map((p) => `  ${p.check}: ${EXPLAIN[p.check]} (${Object.entries(p.detail).map(([k, v]) => `${k}=${v}`).join(', ')})\n`).join('');
}
