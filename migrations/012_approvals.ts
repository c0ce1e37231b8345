import { Knex } from 'knex';

/**
 * Four eyes on large money (docs/operator-api.md "Four eyes"): an adjustment above APPROVAL_THRESHOLD waits as an
 * approval request until a second finance or admin account decides it. A debit's amount waits in the currency's
 * `approval_hold` account meanwhile, so the player cannot spend it twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
    ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('player_cash', 'house', 'operator_funding', 'corrections',
      'payout_in_flight', 'payout_settled', 'approval_hold'));
    INSERT INTO accounts (kind, currency, shard, allow_negative)
    SELECT DISTINCT 'approval_hold', currency, 0, false FROM accounts WHERE kind = 'corrections'
    ON CONFLICT (kind, currency, shard) WHERE player_id IS NULL DO NOTHING;

    CREATE TABLE approvals (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('adjustment')),
      player_id bigint NOT NULL REFERENCES players(id),
      currency char(3) NOT NULL,
      amount bigint NOT NULL CHECK (amount <> 0),
      reason text NOT NULL,
      transaction_id text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      requested_by text NOT NULL,
      requested_role text NOT NULL,
      decided_by text,
      decided_role text,
      decision_note text,
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX approvals_status ON approvals (status, created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE approvals;
    DELETE FROM accounts WHERE kind = 'approval_hold';
    ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
    ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('player_cash', 'house', 'operator_funding', 'corrections',
      'payout_in_flight', 'payout_settled'));
  `);
}
