import { Knex } from 'knex';
import { Client } from 'pg';

/** The role the server serves requests as on the embedded PostgreSQL (and in the tests): rights on rows, owner of nothing. */
export const RUNTIME_ROLE = 'wallet_app';
const EMBEDDED_RUNTIME_PASSWORD = 'wallet-app-local';

/**
 * Tables whose rows are never changed once written: the runtime role may read and add to them, nothing more. The
 * audit trail is the one the issue names; the ledger's transfers and wallet movements, the register's evidence, a
 * payout's history and the four-eyes count are history too.
 */
const APPEND_ONLY = ['audit_log', 'transfers', 'wallet_transactions', 'register_checks', 'payout_events', 'solo_movements', 'deposit_events', 'kyc_checks'];
/** The migrations' bookkeeping: the runtime reads it (readiness), only the owner writes it. */
const READ_ONLY = ['knex_migrations', 'knex_migrations_lock'];

/**
 * Gives the runtime role exactly the rights the server uses, run by the owner after every migration: it reads,
 * adds and updates rows of the application's tables, but deletes none, changes no row of an append-only table,
 * and owns nothing, so it can neither alter nor truncate a table, nor disable a trigger. The job queue's schema is
 * the exception graphile-worker needs: a finished job is deleted.
 */
export async function grantRuntimeRights(db: Knex, role: string): Promise<void> {
  // one transaction: an instance serving meanwhile never sees the rights half given
  await db.transaction(async (trx) => {
    await trx.raw('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ??', [role]);
    await trx.raw('GRANT USAGE ON SCHEMA public, graphile_worker TO ??', [role]);
    await trx.raw('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ??', [role]);
    await trx.raw(`REVOKE INSERT, UPDATE ON ${READ_ONLY.join(', ')} FROM ??`, [role]);
    await trx.raw(`REVOKE UPDATE ON ${APPEND_ONLY.join(', ')} FROM ??`, [role]);
    // a register check made before its player existed (at registration) is linked to the player once created
    await trx.raw('GRANT UPDATE (player_id) ON register_checks TO ??', [role]);
    // a wallet transaction carries its movement (migration 022); a rollback marks the bet it refunded, nothing more
    await trx.raw('GRANT UPDATE (rolled_back_by) ON wallet_transactions TO ??', [role]);
    await trx.raw('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public, graphile_worker TO ??', [role]);
    await trx.raw('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ??', [role]);
    await trx.raw('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public, graphile_worker TO ??', [role]);
    // graphile-worker turns row-level security on for its private tables, so that only their owner sees rows; the
    // runtime role gets a policy of its own on each, which is what it needs to take and finish jobs
    const { rows } = await trx.raw<{ rows: { name: string }[] }>(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity`);
    for (const { name } of rows) {
      await trx.raw('DROP POLICY IF EXISTS ?? ON ??.??', [`${role}_jobs`, 'graphile_worker', name]);
      await trx.raw('CREATE POLICY ?? ON ??.?? FOR ALL TO ?? USING (true) WITH CHECK (true)', [`${role}_jobs`, 'graphile_worker', name, role]);
    }
  });
}

/** The role a connection string logs in as. */
export const roleOf = (url: string) => decodeURIComponent(new URL(url).username);

/** The same server and database as `url`, logged in as another role. */
export function asRole(url: string, role: string, password: string): string {
  const other = new URL(url);
  other.username = encodeURIComponent(role);
  other.password = encodeURIComponent(password);
  return other.toString();
}

/** `url`'s server and database as the runtime role that ensureRuntimeRole makes. */
export const runtimeUrlOf = (url: string) => asRole(url, RUNTIME_ROLE, EMBEDDED_RUNTIME_PASSWORD);

/** Creates the runtime role on a database server we own (embedded, tests) if it is missing; its connection string. */
export async function ensureRuntimeRole(adminUrl: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [RUNTIME_ROLE]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE ROLE ${RUNTIME_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${EMBEDDED_RUNTIME_PASSWORD}'`);
    }
  } finally {
    await admin.end();
  }
  return runtimeUrlOf(adminUrl);
}

/**
 * Why the server's own role is unsafe to serve as, if it is: a superuser can rewrite anything, and an owner can
 * alter its tables or disable the audit trail's trigger (docs/operations.md "Database roles").
 */
export async function unsafeRuntimeRole(db: Knex): Promise<string[]> {
  const { rows: [role] } = await db.raw<{ rows: { name: string; superuser: boolean; owned: number }[] }>(`
    SELECT current_user AS name, r.rolsuper AS superuser,
      (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'graphile_worker') AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owned
    FROM pg_roles r WHERE r.rolname = current_user`);
  return [
    ...(role.superuser ? [`the database role ${role.name} is a superuser`] : []),
    ...(role.owned > 0 ? [`the database role ${role.name} owns (or is a member of the owner of) ${role.owned} of the wallet's tables and objects`] : []),
  ];
}
