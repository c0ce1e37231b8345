import { Knex } from 'knex';

/**
 * Staff accounts with roles (docs/operator-api.md "Staff and roles"): a person signs in with email and password,
 * a script with a personal token; both are stored only as hashes. Every audit row names who acted, and in which role.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE staff (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'support', 'finance', 'admin')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz
    );
    CREATE UNIQUE INDEX staff_email ON staff (lower(email));

    CREATE TABLE staff_tokens (
      id uuid PRIMARY KEY,
      staff_id uuid NOT NULL REFERENCES staff(id),
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE INDEX staff_tokens_staff ON staff_tokens (staff_id);

    ALTER TABLE audit_log ADD COLUMN actor text, ADD COLUMN actor_role text;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE audit_log DROP COLUMN actor, DROP COLUMN actor_role;
    DROP TABLE staff_tokens, staff;
  `);
}
