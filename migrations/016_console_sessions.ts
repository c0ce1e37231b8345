import { Knex } from 'knex';

/**
 * Console sessions kept server-side (docs/operator-api.md "Sessions"): the cookie holds 32 random bytes and the
 * table only their SHA-256, so no key can forge one. A session ends at its absolute expiry, after its idle timeout,
 * at logout, and for every session of a person at a password change or disable. The bootstrap token's sessions
 * carry its fingerprint and end when it changes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE console_sessions (
      secret_hash text PRIMARY KEY,
      staff_id uuid REFERENCES staff(id),
      bootstrap_fingerprint text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      CHECK ((staff_id IS NULL) <> (bootstrap_fingerprint IS NULL))
    );
    CREATE INDEX console_sessions_of_staff ON console_sessions (staff_id) WHERE revoked_at IS NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE console_sessions');
}
