import { Knex } from 'knex';

/**
 * A second aggregator on the same ledger (docs/wallet.md "Hub88"). Each api client belongs to an aggregator, and a
 * session to the aggregator it was opened for, so one contract's token is refused by the other. `scope_id` names
 * the client whose keys a client's transaction ids share: null is the client itself (every Fizzy Bubbly key, as
 * before); each further Hub88 key names the first, so a rotated key replays and refuses exactly as the old one did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE api_clients DROP CONSTRAINT api_clients_scheme_check;
    ALTER TABLE api_clients ADD CONSTRAINT api_clients_scheme_check CHECK (scheme IN ('hmac-sha256', 'ed25519', 'hub88-rsa-sha256'));
    ALTER TABLE api_clients ADD COLUMN aggregator text NOT NULL DEFAULT 'fizzy-bubbly' CHECK (aggregator IN ('fizzy-bubbly', 'hub88'));
    ALTER TABLE api_clients ADD COLUMN scope_id integer REFERENCES api_clients(id);
    ALTER TABLE api_clients ADD CONSTRAINT api_clients_aggregator_scheme CHECK ((aggregator = 'hub88') = (scheme = 'hub88-rsa-sha256'));
    ALTER TABLE sessions ADD COLUMN aggregator text NOT NULL DEFAULT 'fizzy-bubbly' CHECK (aggregator IN ('fizzy-bubbly', 'hub88'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE sessions DROP COLUMN aggregator;
    DELETE FROM api_clients WHERE scheme = 'hub88-rsa-sha256';
    ALTER TABLE api_clients DROP CONSTRAINT api_clients_aggregator_scheme;
    ALTER TABLE api_clients DROP COLUMN scope_id, DROP COLUMN aggregator;
    ALTER TABLE api_clients DROP CONSTRAINT api_clients_scheme_check;
    ALTER TABLE api_clients ADD CONSTRAINT api_clients_scheme_check CHECK (scheme IN ('hmac-sha256', 'ed25519'));
  `);
}
