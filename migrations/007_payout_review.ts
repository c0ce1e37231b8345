import { Knex } from 'knex';

/**
 * A send whose outcome is not known is looked up with backoff, re-sent only where the provider refuses a duplicate
 * id, and otherwise goes to the `review` state (README: "Cash-out"):
 * - missed_lookups: lookups by our id that found nothing since the send began;
 * - duplicate_refused: the provider answered that it already holds an order with our id;
 * - resend_due: the lookups allowed a re-send under the same id, and the send job owns the payout until it runs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
    ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('requested', 'submitted', 'processing',
      'on_hold', 'unknown', 'review', 'succeeded', 'failed', 'cancelled', 'reversed'));
    ALTER TABLE payouts ADD COLUMN missed_lookups integer NOT NULL DEFAULT 0;
    ALTER TABLE payouts ADD COLUMN duplicate_refused boolean NOT NULL DEFAULT false;
    ALTER TABLE payouts ADD COLUMN resend_due boolean NOT NULL DEFAULT false;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payouts DROP COLUMN missed_lookups, DROP COLUMN duplicate_refused, DROP COLUMN resend_due;
    ALTER TABLE payouts DROP CONSTRAINT payouts_status_check;
    ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('requested', 'submitted', 'processing',
      'on_hold', 'unknown', 'succeeded', 'failed', 'cancelled', 'reversed'));
  `);
}
