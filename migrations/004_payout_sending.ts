import { Knex } from 'knex';

/**
 * send_started_at marks a send whose outcome is not known yet: it is set, and committed, before the provider is
 * called. A payout with it set is never sent again until the provider says it has no such order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payouts ADD COLUMN send_started_at timestamptz;
    ALTER TABLE payouts ADD COLUMN check_count integer NOT NULL DEFAULT 0;
    ALTER TABLE payouts ADD COLUMN last_checked_at timestamptz;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payouts DROP COLUMN send_started_at, DROP COLUMN check_count, DROP COLUMN last_checked_at');
}
