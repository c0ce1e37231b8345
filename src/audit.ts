import { AsyncLocalStorage } from 'node:async_hooks';
import { Knex } from 'knex';

export interface AuditEntry {
  /** What was done, as `<thing>.<verb>`: player.topup, payout_account.retire, payout.review. */
  action: string;
  /** The player it concerns (players.id), if any. */
  playerId: string | null;
  details: Record<string, unknown>;
  /** The request's trace id, which its log lines also carry. */
  traceId?: string;
}

/** Who is acting: a staff account (its id), or the bootstrap OPERATOR_TOKEN (`bootstrap`); and in which role. */
export interface Actor {
  id: string;
  role: string;
  email?: string;
}

const acting = new AsyncLocalStorage<{ actor: Actor; traceId?: string }>();

/** Runs `work` (an operator request, to its end) on behalf of `actor`, so every audit row it writes names them and the request. */
export function actAs<T>(actor: Actor, traceId: string | undefined, work: () => T): T {
  return acting.run({ actor, traceId }, work);
}

/**
 * Writes one entry of the audit trail, in the caller's transaction so it commits with the change it records, chained
 * to the entry before it (src/audit.sql).
 */
export async function recordAudit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  const context = acting.getStore();
  await db.raw('SELECT audit_append(?, ?, ?::jsonb, ?, ?, ?)', [entry.action, entry.playerId, JSON.stringify(entry.details),
    entry.traceId ?? context?.traceId ?? null, context?.actor.id ?? null, context?.actor.role ?? null]);
}

/** Where the chain of the audit trail is broken: each row changed, removed under, or inserted (none when sound). */
export async function auditChainBreaks(db: Knex): Promise<{ id: string; reason: string }[]> {
  return (await db.raw<{ rows: { id: string; reason: string }[] }>('SELECT id::text, reason FROM audit_chain_breaks()')).rows;
}
