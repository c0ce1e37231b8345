import { Knex } from 'knex';

/**
 * The register check at the first session of each day is its own event (docs/protection.md): a check at
 * registration that morning does not stand in for it. `session_checked_on` is the day (YYYY-MM-DD, the jurisdiction's time zone) of the last such check.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE players ADD COLUMN session_checked_on text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE players DROP COLUMN session_checked_on');
}
