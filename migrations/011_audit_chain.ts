import { Knex } from 'knex';

/**
 * The audit trail, chained (docs/operations.md "Audit trail"): each row carries its hash and the previous row's,
 * written by audit_append (src/audit.sql). Rows written before are chained here, in id order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE audit_log ADD COLUMN prev_hash text, ADD COLUMN hash text;
    CREATE INDEX audit_log_actor ON audit_log (actor, id);
    DO $$
    DECLARE
      r record;
      v_prev text;
    BEGIN
      FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        UPDATE audit_log SET prev_hash = v_prev,
          hash = encode(sha256(convert_to(concat_ws('|', coalesce(v_prev, ''), r.action, coalesce(r.player_id::text, ''), r.details::text,
            coalesce(r.trace_id, ''), coalesce(r.actor, ''), coalesce(r.actor_role, ''),
            to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')), 'UTF8')), 'hex')
        WHERE id = r.id RETURNING hash INTO v_prev;
      END LOOP;
    END $$;
    ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
    DROP INDEX audit_log_actor;
    ALTER TABLE audit_log DROP COLUMN prev_hash, DROP COLUMN hash;
  `);
}
