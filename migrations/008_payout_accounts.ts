import { Knex } from 'knex';

/**
 * The provider accounts registered to each player (README: "Payout accounts"). A provider that pays a
 * pre-registered account (Hashlee's gateway_unit_account_id) pays only the player's own, active one. An account id
 * belongs to one player at a provider for good: a retired row stays, for audit, and its id is never reused.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payout_accounts (
      id uuid PRIMARY KEY,
      player_id bigint NOT NULL REFERENCES players(id),
      provider text NOT NULL,
      account_id text NOT NULL,
      holder_document text NOT NULL,
      pix_key text,
      pix_key_type text CHECK (pix_key_type IN ('cpf', 'cnpj', 'phone', 'email', 'evp')),
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      CONSTRAINT payout_accounts_provider_account UNIQUE (provider, account_id)
    );
    CREATE UNIQUE INDEX payout_accounts_one_active ON payout_accounts (player_id, provider) WHERE retired_at IS NULL;

    ALTER TABLE payouts ADD COLUMN payout_account_id uuid REFERENCES payout_accounts(id);
    ALTER TABLE payouts ALTER COLUMN pix_key DROP NOT NULL, ALTER COLUMN pix_key_type DROP NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payouts DROP COLUMN payout_account_id;
    DROP TABLE payout_accounts;
  `);
}
