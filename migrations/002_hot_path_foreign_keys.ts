import { Knex } from 'knex';

/**
 * Foreign keys on the tables every wallet call appends to, dropped for speed, measured: each one is a trigger
 * that re-reads (and share-locks) the parent row on every insert, six per bet; without them the withdraw routine
 * costs about 25 % less. Nothing is lost in practice. The rows are written only by the ledger and wallet
 * routines, which lock or create every row they point to in the same transaction, and players, accounts and
 * api clients are never deleted. checkLedger verifies these references.
 *
 * The two keys to api_clients mattered most: every concurrent bet share-locked that one row, twice.
 */
const DROPPED = [
  ['transfers', 'transfers_debit_account_id_fkey', 'debit_account_id', 'accounts'],
  ['transfers', 'transfers_credit_account_id_fkey', 'credit_account_id', 'accounts'],
  ['wallet_transactions', 'wallet_transactions_client_id_fkey', 'client_id', 'api_clients'],
  ['wallet_transactions', 'wallet_transactions_player_id_fkey', 'player_id', 'players'],
  ['wallet_transactions', 'wallet_transactions_transfer_id_fkey', 'transfer_id', 'transfers'],
  ['rounds', 'rounds_client_id_fkey', 'client_id', 'api_clients'],
  ['rounds', 'rounds_player_id_fkey', 'player_id', 'players'],
  ['player_activity_hourly', 'player_activity_hourly_player_id_fkey', 'player_id', 'players'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [table, name] of DROPPED) await knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [table, name, column, parent] of DROPPED) {
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES ${parent}(id)`);
  }
}
