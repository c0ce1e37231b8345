import { Knex } from 'knex';

/**
 * Reports read the append-only wallet and ledger tables by time range. BRIN indexes fit rows written in time
 * order: a few pages per million rows and almost nothing added to the cost of a bet, unlike a B-tree.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX wallet_transactions_created_brin ON wallet_transactions USING brin (created_at);
    CREATE INDEX transfers_created_brin ON transfers USING brin (created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX wallet_transactions_created_brin, transfers_created_brin');
}
