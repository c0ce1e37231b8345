import { Knex } from 'knex';

/**
 * Identity verification (docs/kyc.md): each player's birth date and state, the vendor's applicant for the player,
 * and every check kept as evidence in kyc_checks, which the server's role may add to but never change.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE players
      ADD COLUMN birth_date date,
      ADD COLUMN kyc_status text NOT NULL DEFAULT 'none'
        CHECK (kyc_status IN ('none', 'pending', 'verified', 'retry_required', 'rejected', 'reverify_required', 'suspended')),
      ADD COLUMN kyc_status_at timestamptz;
    -- KYC_REQUIRED, written at start where the wallet's routines read it
    ALTER TABLE wallet_settings ADD COLUMN kyc_required boolean NOT NULL DEFAULT false;

    CREATE TABLE kyc_applicants (
      player_id bigint PRIMARY KEY REFERENCES players(id),
      vendor text NOT NULL,
      applicant_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (vendor, applicant_id)
    );

    CREATE TABLE kyc_checks (
      id bigserial PRIMARY KEY,
      player_id bigint NOT NULL REFERENCES players(id),
      vendor text NOT NULL,
      reference text,
      "check" text NOT NULL,
      outcome text NOT NULL,
      score numeric,
      raw_sha256 text,
      status_before text NOT NULL,
      status_after text NOT NULL,
      source text NOT NULL,
      trace_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX kyc_checks_of_player ON kyc_checks (player_id, id);
    CREATE INDEX players_kyc_review ON players (kyc_status) WHERE kyc_status NOT IN ('none', 'verified');`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE kyc_checks;
    DROP TABLE kyc_applicants;
    DROP INDEX IF EXISTS players_kyc_review;
    ALTER TABLE players DROP COLUMN birth_date, DROP COLUMN kyc_status, DROP COLUMN kyc_status_at;
    ALTER TABLE wallet_settings DROP COLUMN kyc_required;`);
}
