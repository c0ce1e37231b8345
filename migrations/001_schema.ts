import { Knex } from 'knex';

/**
 * The ledger (accounts, transfers), the parties (players, api clients, sessions) and the wallet's own records
 * (wallet transactions, rounds, hourly activity for loss limits). Amounts are bigint minor units everywhere.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE players (
      id bigserial PRIMARY KEY,
      external_id text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 45),
      currency char(3) NOT NULL,
      first_name text,
      last_name text,
      document_number text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
      reality_check_pending boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE accounts (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('player_cash', 'house', 'operator_funding', 'corrections',
                                         'payout_in_flight', 'payout_settled')),
      currency char(3) NOT NULL,
      player_id bigint REFERENCES players(id),
      shard smallint NOT NULL DEFAULT 0,
      balance bigint NOT NULL DEFAULT 0,
      allow_negative boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT accounts_balance_floor CHECK (allow_negative OR balance >= 0),
      CONSTRAINT accounts_player_owns_cash CHECK ((kind = 'player_cash') = (player_id IS NOT NULL))
    );
    CREATE UNIQUE INDEX accounts_player_currency ON accounts (player_id, currency) WHERE player_id IS NOT NULL;
    CREATE UNIQUE INDEX accounts_system ON accounts (kind, currency, shard) WHERE player_id IS NULL;

    CREATE TABLE transfers (
      id bigserial PRIMARY KEY,
      idempotency_key text NOT NULL UNIQUE,
      kind text NOT NULL,
      currency char(3) NOT NULL,
      amount bigint NOT NULL CHECK (amount >= 0),
      debit_account_id bigint NOT NULL REFERENCES accounts(id),
      credit_account_id bigint NOT NULL REFERENCES accounts(id),
      debit_balance_after bigint NOT NULL,
      credit_balance_after bigint NOT NULL,
      reference text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (debit_account_id <> credit_account_id)
    );
    CREATE INDEX transfers_debit_account ON transfers (debit_account_id, id);
    CREATE INDEX transfers_credit_account ON transfers (credit_account_id, id);

    CREATE TABLE player_limits (
      player_id bigint NOT NULL REFERENCES players(id),
      kind text NOT NULL CHECK (kind IN ('bet_max', 'loss_24h', 'loss_7d', 'loss_30d')),
      amount bigint CHECK (amount >= 0),
      pending_amount bigint CHECK (pending_amount >= 0),
      pending_effective_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (player_id, kind)
    );

    CREATE TABLE games (
      game_id text PRIMARY KEY,
      active boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE api_clients (
      id serial PRIMARY KEY,
      name text NOT NULL,
      scheme text NOT NULL CHECK (scheme IN ('hmac-sha256', 'ed25519')),
      public_key text NOT NULL UNIQUE,
      private_key text,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz,
      CHECK ((scheme = 'hmac-sha256') = (private_key IS NOT NULL))
    );

    CREATE TABLE sessions (
      id text PRIMARY KEY,
      player_id bigint NOT NULL REFERENCES players(id),
      game_id text,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sessions_player ON sessions (player_id);

    CREATE TABLE wallet_transactions (
      id bigserial PRIMARY KEY,
      client_id integer NOT NULL REFERENCES api_clients(id),
      transaction_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('withdraw', 'deposit', 'rollback', 'tombstone')),
      request_hash text NOT NULL,
      player_id bigint NOT NULL REFERENCES players(id),
      game_id text,
      game_round_id text,
      currency char(3) NOT NULL,
      amount bigint,
      cash_amount bigint,
      jackpot_amount bigint,
      round_finished boolean,
      withdraw_transaction_id text,
      transfer_id bigint REFERENCES transfers(id),
      response_status smallint NOT NULL,
      response_code text,
      response_reason text,
      response_balance bigint,
      rolled_back_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (client_id, transaction_id)
    );
    CREATE INDEX wallet_transactions_player ON wallet_transactions (player_id, id);

    CREATE TABLE rounds (
      client_id integer NOT NULL REFERENCES api_clients(id),
      player_id bigint NOT NULL REFERENCES players(id),
      game_round_id text NOT NULL,
      game_id text NOT NULL,
      currency char(3) NOT NULL,
      bets bigint NOT NULL DEFAULT 0,
      wins bigint NOT NULL DEFAULT 0,
      refunds bigint NOT NULL DEFAULT 0,
      withdraw_count integer NOT NULL DEFAULT 0,
      deposit_count integer NOT NULL DEFAULT 0,
      rollback_count integer NOT NULL DEFAULT 0,
      opened_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      PRIMARY KEY (client_id, player_id, game_round_id)
    );
    CREATE INDEX rounds_opened ON rounds (opened_at);

    CREATE TABLE player_activity_hourly (
      player_id bigint NOT NULL REFERENCES players(id),
      hour timestamptz NOT NULL,
      bets bigint NOT NULL DEFAULT 0,
      wins bigint NOT NULL DEFAULT 0,
      refunds bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (player_id, hour)
    );

    CREATE TABLE idempotency_records (
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      response_status smallint,
      response_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, key)
    );

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      action text NOT NULL,
      player_id bigint REFERENCES players(id),
      details jsonb NOT NULL,
      trace_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE audit_log, idempotency_records, player_activity_hourly, rounds, wallet_transactions, sessions,
      api_clients, games, player_limits, transfers, accounts, players CASCADE;
  `);
}
