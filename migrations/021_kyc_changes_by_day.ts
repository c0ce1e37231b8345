import { Knex } from 'knex';

/** The SIGAP day file reads a day's changes of verification state (docs/protection.md): found by time, not by a scan. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX kyc_checks_changes ON kyc_checks (created_at) WHERE status_after <> status_before');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX kyc_checks_changes');
}
