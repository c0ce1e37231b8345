import { Knex } from 'knex';

/**
 * Four eyes that cannot be split or skipped (docs/operator-api.md "Four eyes"):
 * - top-ups wait for a second person like adjustments and payouts (approval kind `topup`), and every approval
 *   says why it waits (`held_because`);
 * - `solo_movements` keeps each manual movement that moved on one person's word, so that the thresholds count
 *   cumulatively over 24 hours, per requester and per player;
 * - `payout_destinations` keeps the places a player's money may go that are not provably the player's by their
 *   form (e-mail, phone and random PIX keys, provider accounts): the first payout to one waits for a second person,
 *   and one destination belongs to one player.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE approvals DROP CONSTRAINT approvals_kind_check;
    ALTER TABLE approvals ADD CONSTRAINT approvals_kind_check CHECK (kind IN ('topup', 'adjustment', 'payout'));
    ALTER TABLE approvals ADD COLUMN held_because text NOT NULL DEFAULT 'the amount is above the threshold';
    ALTER TABLE approvals ALTER COLUMN held_because DROP DEFAULT;

    CREATE TABLE solo_movements (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('topup', 'adjustment', 'payout')),
      requester text NOT NULL,
      player_id bigint NOT NULL REFERENCES players(id),
      currency char(3) NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      transaction_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX solo_movements_by_requester ON solo_movements (requester, currency, created_at);
    CREATE INDEX solo_movements_by_player ON solo_movements (player_id, currency, created_at);

    CREATE TABLE payout_destinations (
      id uuid PRIMARY KEY,
      player_id bigint NOT NULL REFERENCES players(id),
      destination text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'known', 'rejected', 'retired')),
      first_payout_id uuid NOT NULL REFERENCES payouts(id),
      approved_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz,
      retired_at timestamptz
    );
    -- one holder per destination while it is waiting or known: a second player's request meets this index
    CREATE UNIQUE INDEX payout_destinations_one_holder ON payout_destinations (destination) WHERE status IN ('pending', 'known');
    CREATE INDEX payout_destinations_of_player ON payout_destinations (player_id, created_at);
    -- where a payout goes, as payout_destinations names it; null for the player's own CPF key
    ALTER TABLE payouts ADD COLUMN destination text;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payouts DROP COLUMN destination;
    DROP TABLE payout_destinations;
    DROP TABLE solo_movements;
    DELETE FROM approvals WHERE kind = 'topup';
    ALTER TABLE approvals DROP COLUMN held_because;
    ALTER TABLE approvals DROP CONSTRAINT approvals_kind_check;
    ALTER TABLE approvals ADD CONSTRAINT approvals_kind_check CHECK (kind IN ('adjustment', 'payout'));
  `);
}
