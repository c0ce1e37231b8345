import { Knex } from 'knex';

const ACCOUNT_KINDS = ['player_cash', 'house', 'operator_funding', 'corrections', 'payout_in_flight', 'payout_settled', 'approval_hold', 'unclaimed'];
const LIMIT_KINDS = ['bet_max', 'loss_24h', 'loss_7d', 'loss_30d', 'time_day', 'time_week', 'time_month'];
const APPROVAL_KINDS = ['topup', 'adjustment', 'payout'];
const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * PIX deposits (docs/deposits.md): a charge at a provider, its state and its full history. The money: a paid charge
 * moves from the provider's pay-in clearing account (one per provider and currency: accounts.shard numbers the
 * provider, src/deposits/accounts.ts) to the player, or, when it may not be credited, to the held account, from
 * which a return gives it back. Deposit limits join the loss limits; a held deposit's return waits for a second person.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE deposits (
      id uuid PRIMARY KEY,
      transaction_id text NOT NULL UNIQUE,
      request_hash text NOT NULL,
      player_id bigint NOT NULL REFERENCES players(id),
      currency char(3) NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      provider text NOT NULL,
      status text NOT NULL CHECK (status IN ('created', 'pending', 'paid', 'credited', 'expired', 'failed', 'held', 'returned', 'reversed')),
      provider_reference text,
      provider_status text,
      qr_code text,
      copy_paste text,
      expires_at timestamptz,
      paid_amount bigint,
      payer_document text,
      payer_shown_by text CHECK (payer_shown_by IN ('payer_document', 'provider_refuses_third_parties', 'operator_guarantee')),
      held_reason text,
      return_requested boolean NOT NULL DEFAULT false,
      create_started_at timestamptz,
      create_attempts integer NOT NULL DEFAULT 0,
      check_count integer NOT NULL DEFAULT 0,
      last_checked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finalized_at timestamptz,
      UNIQUE (provider, provider_reference)
    );
    CREATE INDEX deposits_player ON deposits (player_id, created_at);
    CREATE INDEX deposits_open ON deposits (status) WHERE status IN ('created', 'pending', 'paid', 'held');
    CREATE INDEX deposits_created ON deposits (created_at, id);

    CREATE TABLE deposit_events (
      id bigserial PRIMARY KEY,
      deposit_id uuid NOT NULL REFERENCES deposits(id),
      from_status text,
      to_status text NOT NULL,
      source text NOT NULL,
      provider_status text,
      detail jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX deposit_events_deposit ON deposit_events (deposit_id, id);

    ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
    ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN (${list([...ACCOUNT_KINDS, 'payin_clearing', 'payin_held'])}));

    ALTER TABLE player_limits DROP CONSTRAINT player_limits_kind_check;
    ALTER TABLE player_limits ADD CONSTRAINT player_limits_kind_check CHECK (kind IN (${list([...LIMIT_KINDS, 'deposit_24h', 'deposit_7d', 'deposit_30d'])}));

    ALTER TABLE approvals ADD COLUMN deposit_id uuid REFERENCES deposits(id);
    ALTER TABLE approvals DROP CONSTRAINT approvals_kind_check;
    ALTER TABLE approvals ADD CONSTRAINT approvals_kind_check CHECK (kind IN (${list([...APPROVAL_KINDS, 'deposit_return'])}));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM approvals WHERE kind = 'deposit_return';
    ALTER TABLE approvals DROP CONSTRAINT approvals_kind_check;
    ALTER TABLE approvals ADD CONSTRAINT approvals_kind_check CHECK (kind IN (${list(APPROVAL_KINDS)}));
    ALTER TABLE approvals DROP COLUMN deposit_id;
    DELETE FROM player_limits WHERE kind LIKE 'deposit\\_%';
    ALTER TABLE player_limits DROP CONSTRAINT player_limits_kind_check;
    ALTER TABLE player_limits ADD CONSTRAINT player_limits_kind_check CHECK (kind IN (${list(LIMIT_KINDS)}));
    DROP TABLE deposit_events, deposits;
  `);
}
