import { Knex } from 'knex';

/**
 * Four eyes on payouts (docs/operator-api.md "Four eyes"): a payout above APPROVAL_THRESHOLD is reserved at once
 * and waits in `pending_approval`, with no send queued, until a second finance or admin account approves it (it
 * moves to `requested` and is sent) or rejects it (it is cancelled and the reserve goes back).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
    ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('pending_approval', 'requested', 'submitted',
      'processing', 'on_hold', 'unknown', 'review', 'succeeded', 'failed', 'cancelled', 'reversed'));
    ALTER TABLE approvals DROP CONSTRAINT approvals_kind_check;
    ALTER TABLE approvals ADD CONSTRAINT approvals_kind_check CHECK (kind IN ('adjustment', 'payout'));
    ALTER TABLE approvals ADD COLUMN payout_id uuid REFERENCES payouts(id);
    ALTER TABLE approvals ADD CONSTRAINT approvals_payout_named CHECK ((kind = 'payout') = (payout_id IS NOT NULL));
    CREATE UNIQUE INDEX approvals_one_per_payout ON approvals (payout_id) WHERE payout_id IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM approvals WHERE kind = 'payout';
    ALTER TABLE approvals DROP COLUMN payout_id;
    ALTER TABLE approvals DROP CONSTRAINT approvals_kind_check;
    ALTER TABLE approvals ADD CONSTRAINT approvals_kind_check CHECK (kind IN ('adjustment'));
    ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
    ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('requested', 'submitted', 'processing',
      'on_hold', 'unknown', 'review', 'succeeded', 'failed', 'cancelled', 'reversed'));
  `);
}
