import { Knex } from 'knex';

export interface LedgerProblem {
  check: 'currency_sum' | 'cached_balance' | 'negative_balance' | 'dangling_reference';
  detail: Record<string, string>;
}

export interface LedgerReport {
  sound: boolean;
  accounts: number;
  transfers: number;
  problems: LedgerProblem[];
}

/**
 * Proves the ledger adds up: every currency sums to zero, every cached balance equals its transfers
 * (credits minus debits), no account is below zero unless it may be, and no movement points at nothing.
 */
export async function checkLedger(db: Knex): Promise<LedgerReport> {
  const sums = await db.raw<{ rows: { currency: string; total: string }[] }>(
    'SELECT currency, sum(balance)::text AS total FROM accounts GROUP BY currency HAVING sum(balance) <> 0',
  );
  const cached = await db.raw<{ rows: { id: string; balance: string; computed: string }[] }>(`
    WITH movement AS (
      SELECT debit_account_id AS account_id, -amount AS delta FROM transfers
      UNION ALL SELECT credit_account_id, amount FROM transfers
    ), computed AS (
      SELECT account_id, sum(delta) AS total FROM movement GROUP BY account_id
    )
    SELECT a.id, a.balance::text, coalesce(c.total, 0)::text AS computed
    FROM accounts a LEFT JOIN computed c ON c.account_id = a.id
    WHERE a.balance <> coalesce(c.total, 0)`);
  const negative = await db.raw<{ rows: { id: string; balance: string }[] }>(
    'SELECT id, balance::text FROM accounts WHERE balance < 0 AND NOT allow_negative',
  );
  // the hot tables carry no foreign keys (migration 002): prove their references here instead
  const dangling = await db.raw<{ rows: { source: string; id: string }[] }>(`
    SELECT 'transfers.debit_account_id' AS source, t.id::text FROM transfers t
      WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.debit_account_id)
    UNION ALL SELECT 'transfers.credit_account_id', t.id::text FROM transfers t
      WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.credit_account_id)
    UNION ALL SELECT 'wallet_transactions.transfer_id', w.id::text FROM wallet_transactions w
      WHERE w.transfer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.id = w.transfer_id)
    UNION ALL SELECT 'wallet_transactions.player_id', w.id::text FROM wallet_transactions w
      WHERE NOT EXISTS (SELECT 1 FROM players p WHERE p.id = w.player_id)
    LIMIT 100`);
  const counts = await db.raw<{ rows: { accounts: string; transfers: string }[] }>(
    'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM transfers) AS transfers',
  );
  const problems: LedgerProblem[] = [
    ...sums.rows.map((r) => ({ check: 'currency_sum' as const, detail: { currency: r.currency, total: r.total } })),
    ...cached.rows.map((r) => ({
      check: 'cached_balance' as const,
      detail: { accountId: r.id, cached: r.balance, fromTransfers: r.computed },
    })),
    ...negative.rows.map((r) => ({ check: 'negative_balance' as const, detail: { accountId: r.id, balance: r.balance } })),
    ...dangling.rows.map((r) => ({ check: 'dangling_reference' as const, detail: { reference: r.source, rowId: r.id } })),
  ];
  return {
    sound: problems.length === 0,
    accounts: Number(counts.rows[0].accounts),
    transfers: Number(counts.rows[0].transfers),
    problems,
  };
}
