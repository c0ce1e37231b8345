import { Knex } from 'knex';

/** PIX payouts and their full status history. Amounts in centavos; the ledger holds the money, this the story. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payouts (
      id uuid PRIMARY KEY,
      transaction_id text NOT NULL UNIQUE,
      player_id bigint NOT NULL REFERENCES players(id),
      currency char(3) NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      pix_key text NOT NULL,
      pix_key_type text NOT NULL CHECK (pix_key_type IN ('cpf', 'cnpj', 'phone', 'email', 'evp')),
      beneficiary_document text NOT NULL,
      beneficiary_name text,
      provider text NOT NULL,
      status text NOT NULL CHECK (status IN ('requested', 'submitted', 'processing', 'on_hold', 'unknown',
                                             'succeeded', 'failed', 'cancelled', 'reversed')),
      provider_reference text,
      provider_status text,
      manual_review boolean NOT NULL DEFAULT false,
      review_reason text,
      send_attempts integer NOT NULL DEFAULT 0,
      requested_at timestamptz NOT NULL DEFAULT now(),
      finalized_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX payouts_status ON payouts (status);
    CREATE INDEX payouts_player ON payouts (player_id, requested_at);
    CREATE INDEX payouts_requested ON payouts (requested_at, id);

    CREATE TABLE payout_events (
      id bigserial PRIMARY KEY,
      payout_id uuid NOT NULL REFERENCES payouts(id),
      from_status text,
      to_status text NOT NULL,
      source text NOT NULL,
      provider_status text,
      detail jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX payout_events_payout ON payout_events (payout_id, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE payout_events, payouts');
}
