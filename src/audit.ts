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

/** Writes one entry of the audit trail, in the caller's transaction so it commits with the change it records. */
export async function recordAudit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({ action: entry.action, player_id: entry.playerId, details: JSON.stringify(entry.details), trace_id: entry.traceId ?? null });
}
