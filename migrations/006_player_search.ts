import { Knex } from 'knex';

/**
 * The console finds players by the start of their id. `LIKE 'abc%'` can use a B-tree only under the C collation
 * or with text_pattern_ops; the unique index on external_id follows the database's collation, so this adds one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX players_external_id_prefix ON players (external_id text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX players_external_id_prefix');
}
