import { Knex } from 'knex';

/**
 * A wallet call's movement is written in its own wallet transaction row, not as a second row in `transfers` (#30,
 * docs/architecture.md "Ledger model"): the bet's transfer insert and its five index entries were the costliest
 * write left per bet. The row carries both accounts and both balances after the movement, as a transfer does, and
 * its id comes from the transfers' sequence, so one id names one movement wherever it lives.
 *
 * Rows written before this migration keep their transfer (`transfer_id`); history is not rewritten.
 * `ledger_movements` is every movement in one form: the transfers, and the wallet rows that moved money.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE wallet_transactions
      ADD COLUMN debit_account_id bigint,
      ADD COLUMN credit_account_id bigint,
      ADD COLUMN debit_balance_after bigint,
      ADD COLUMN credit_balance_after bigint;
    SELECT setval('transfers_id_seq', greatest((SELECT max(id) FROM transfers), (SELECT max(id) FROM wallet_transactions), 1));
    ALTER TABLE wallet_transactions ALTER COLUMN id SET DEFAULT nextval('transfers_id_seq');
    DROP SEQUENCE wallet_transactions_id_seq;

    CREATE VIEW wallet_movements AS
      SELECT id, 'wallet:' || client_id || ':' || transaction_id AS idempotency_key,
             CASE kind WHEN 'withdraw' THEN 'bet' WHEN 'deposit' THEN 'win' ELSE 'refund' END AS kind,
             currency, amount, debit_account_id, credit_account_id, debit_balance_after, credit_balance_after,
             transaction_id AS reference, created_at, player_id
      FROM wallet_transactions WHERE debit_account_id IS NOT NULL;
    CREATE VIEW ledger_movements AS
      SELECT id, idempotency_key, kind, currency, amount, debit_account_id, credit_account_id, debit_balance_after,
             credit_balance_after, reference, created_at FROM transfers
      UNION ALL
      SELECT id, idempotency_key, kind, currency, amount, debit_account_id, credit_account_id, debit_balance_after,
             credit_balance_after, reference, created_at FROM wallet_movements;
  `);
}

export async function down(knex: Knex): Promise<void> {
  // going back would drop the only record of every movement made since: refused while there is one
  await knex.raw(`
    DO $$ BEGIN
      IF EXISTS (SELECT FROM wallet_transactions WHERE debit_account_id IS NOT NULL) THEN
        RAISE EXCEPTION 'wallet movements are recorded in wallet_transactions: 022 cannot be undone without losing them';
      END IF;
    END $$;
    DROP VIEW ledger_movements, wallet_movements;
    CREATE SEQUENCE wallet_transactions_id_seq OWNED BY wallet_transactions.id;
    SELECT setval('wallet_transactions_id_seq', greatest((SELECT max(id) FROM wallet_transactions), 1));
    ALTER TABLE wallet_transactions ALTER COLUMN id SET DEFAULT nextval('wallet_transactions_id_seq');
    ALTER TABLE wallet_transactions DROP COLUMN debit_account_id, DROP COLUMN credit_account_id,
      DROP COLUMN debit_balance_after, DROP COLUMN credit_balance_after;
  `);
}
