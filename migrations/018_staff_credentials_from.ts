import { Knex } from 'knex';

/**
 * Who has held each staff account's credentials (docs/operator-api.md "Four eyes"): the actor who created it and
 * every actor who set its password. A second person must be independent of the first: an approver whose
 * credentials came, directly or through accounts made in turn, from the requester (or the other way round) is the
 * same person twice. Existing accounts take theirs from the audit trail.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE staff ADD COLUMN credentials_from text[] NOT NULL DEFAULT '{}';
    UPDATE staff s SET credentials_from = coalesce((
      SELECT array_agg(DISTINCT a.actor) FROM audit_log a
       WHERE a.details->>'staffId' = s.id::text AND a.actor IS NOT NULL
         AND (a.action = 'staff.create' OR (a.action = 'staff.update' AND jsonb_exists(a.details, 'password')))), '{}');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE staff DROP COLUMN credentials_from');
}
