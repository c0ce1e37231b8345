import { Knex } from 'knex';

/**
 * Player protection for Brazil (docs/protection.md), on when JURISDICTION=BR:
 * - players.register_state: the SPA register (SIGAP Módulo de Impedidos) check of the player's CPF; bets and
 *   top-ups wait for `clear`. register_checked_on is the last day (YYYY-MM-DD, the jurisdiction's time zone) a check cleared the player.
 * - status `impeded` (barred by the register: no bets, no top-ups, wins, rollbacks and withdrawals still flow) and
 *   `closed` (the account closed after the withdrawal window: nothing but the return of its balance).
 * - register_checks: every check, kept as evidence (time, CPF, answer, trace id) for 5 years.
 * - impediments: each barred account's steps and deadlines, each with its timestamp.
 * - player_status_changes: every status change, written by a trigger, for the SIGAP day file.
 * - register_sweeps: the every-15-days check of every player, resumable by its last player id.
 * - time limits (minutes of play per Brasília day, week, month), counted from played_minutes: a bitmask of the
 *   minutes of each hour in which the player placed a bet; pauses (paused_until); the alerts before a limit.
 * - the `unclaimed` account: a closed account's balance that could not be paid back waits there.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE players DROP CONSTRAINT players_status_check;
    ALTER TABLE players ADD CONSTRAINT players_status_check CHECK (status IN ('active', 'blocked', 'impeded', 'closed'));
    ALTER TABLE players
      ADD COLUMN register_state text NOT NULL DEFAULT 'unchecked' CHECK (register_state IN ('unchecked', 'clear', 'unreachable')),
      ADD COLUMN register_checked_on text,
      ADD COLUMN paused_until timestamptz;

    CREATE TABLE wallet_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      jurisdiction text CHECK (jurisdiction IN ('BR')),
      time_zone text NOT NULL DEFAULT 'UTC'
    );
    INSERT INTO wallet_settings DEFAULT VALUES;

    CREATE TABLE register_checks (
      id bigserial PRIMARY KEY,
      player_id bigint REFERENCES players(id),
      cpf text NOT NULL,
      trigger text NOT NULL CHECK (trigger IN ('registration', 'daily', 'sweep', 'retry')),
      outcome text NOT NULL CHECK (outcome IN ('permitted', 'impeded', 'unreachable')),
      reason text,
      answer text NOT NULL,
      trace_id text,
      checked_at timestamptz NOT NULL
    );
    CREATE INDEX register_checks_player ON register_checks (player_id, checked_at);
    CREATE INDEX register_checks_time ON register_checks (checked_at);

    ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
    ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('player_cash', 'house', 'operator_funding', 'corrections',
      'payout_in_flight', 'payout_settled', 'approval_hold', 'unclaimed'));
    INSERT INTO accounts (kind, currency, shard, allow_negative)
    SELECT DISTINCT 'unclaimed', currency, 0, false FROM accounts WHERE kind = 'corrections'
    ON CONFLICT (kind, currency, shard) WHERE player_id IS NULL DO NOTHING;

    CREATE TABLE impediments (
      id uuid PRIMARY KEY,
      player_id bigint NOT NULL UNIQUE REFERENCES players(id),
      check_id bigint NOT NULL REFERENCES register_checks(id),
      reason text,
      impeded_at timestamptz NOT NULL,
      rounds_cancelled integer NOT NULL,
      stakes_refunded bigint NOT NULL,
      notice text NOT NULL,
      noticed_at timestamptz NOT NULL,
      withdraw_until timestamptz NOT NULL,
      close_by timestamptz NOT NULL,
      closed_at timestamptz,
      return_by timestamptz,
      return_payout_id uuid REFERENCES payouts(id),
      returned_at timestamptz,
      unclaimed_amount bigint,
      unclaimed_at timestamptz,
      unclaimed_until timestamptz,
      unclaimed_reason text
    );
    CREATE INDEX impediments_open ON impediments (close_by) WHERE returned_at IS NULL AND unclaimed_at IS NULL;

    CREATE TABLE player_status_changes (
      id bigserial PRIMARY KEY,
      player_id bigint NOT NULL REFERENCES players(id),
      from_status text,
      to_status text NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX player_status_changes_time ON player_status_changes (changed_at);
    CREATE FUNCTION player_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO player_status_changes (player_id, from_status, to_status)
        VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status);
      END IF;
      RETURN NEW;
    END;
    $$;
    CREATE TRIGGER player_status_changed AFTER INSERT OR UPDATE OF status ON players
      FOR EACH ROW EXECUTE FUNCTION player_status_changed();

    CREATE TABLE register_sweeps (
      id uuid PRIMARY KEY,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      total integer NOT NULL,
      done integer NOT NULL DEFAULT 0,
      last_player_id bigint NOT NULL DEFAULT 0,
      unreachable integer NOT NULL DEFAULT 0,
      impeded integer NOT NULL DEFAULT 0
    );

    ALTER TABLE player_limits DROP CONSTRAINT player_limits_kind_check;
    ALTER TABLE player_limits ADD CONSTRAINT player_limits_kind_check CHECK (kind IN ('bet_max', 'loss_24h', 'loss_7d', 'loss_30d',
      'time_day', 'time_week', 'time_month'));
    ALTER TABLE player_activity_hourly ADD COLUMN played_minutes bigint NOT NULL DEFAULT 0;

    CREATE TABLE protection_alerts (
      player_id bigint NOT NULL REFERENCES players(id),
      kind text NOT NULL,
      period_start timestamptz NOT NULL,
      played_minutes integer NOT NULL,
      limit_minutes integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (player_id, kind, period_start)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE protection_alerts, register_sweeps, impediments, register_checks, wallet_settings;
    DROP TRIGGER player_status_changed ON players;
    DROP FUNCTION player_status_changed();
    DROP TABLE player_status_changes;
    ALTER TABLE player_activity_hourly DROP COLUMN played_minutes;
    DELETE FROM player_limits WHERE kind LIKE 'time\\_%';
    ALTER TABLE player_limits DROP CONSTRAINT player_limits_kind_check;
    ALTER TABLE player_limits ADD CONSTRAINT player_limits_kind_check CHECK (kind IN ('bet_max', 'loss_24h', 'loss_7d', 'loss_30d'));
    DELETE FROM accounts WHERE kind = 'unclaimed';
    ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
    ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('player_cash', 'house', 'operator_funding', 'corrections',
      'payout_in_flight', 'payout_settled', 'approval_hold'));
    ALTER TABLE players DROP COLUMN register_state, DROP COLUMN register_checked_on, DROP COLUMN paused_until;
    ALTER TABLE players DROP CONSTRAINT players_status_check;
    ALTER TABLE players ADD CONSTRAINT players_status_check CHECK (status IN ('active', 'blocked'));
  `);
}
