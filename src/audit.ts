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

/**
 * The chain's head at a moment: kept somewhere the server's database role cannot write (a file, the log), it
 * catches what the chain alone cannot: a database superuser who rewrites rows and recomputes every hash after them,
 * or who cuts rows off the end.
 */
export interface AuditCheckpoint {
  at: string;
  /** The newest row's id, its hash, and how many rows there were up to it. */
  id: string;
  hash: string;
  rows: number;
}

export async function auditHead(db: Knex): Promise<AuditCheckpoint | undefined> {
  const { rows: [head] } = await db.raw<{ rows: { id: string; hash: string; rows: number }[] }>(
    'SELECT id::text, hash, (SELECT count(*)::int FROM audit_log) AS rows FROM audit_log ORDER BY id DESC LIMIT 1');
  return head && { at: new Date().toISOString(), ...head };
}

/** How the trail now differs from what a checkpoint saw: its row gone or changed, or rows before it removed or added. */
export async function checkpointBreaks(db: Knex, checkpoint: AuditCheckpoint): Promise<string[]> {
  const { rows: [now] } = await db.raw<{ rows: { hash: string | null; rows: number }[] }>(
    'SELECT (SELECT hash FROM audit_log WHERE id = ?) AS hash, (SELECT count(*)::int FROM audit_log WHERE id <= ?) AS rows', [checkpoint.id, checkpoint.id]);
  const breaks: string[] = [];
  if (now.hash === null) breaks.push(`row ${checkpoint.id}, the head at ${checkpoint.at}, is gone (rows were cut off the end)`);
  else if (now.hash !== checkpoint.hash) breaks.push(`row ${checkpoint.id}, the head at ${checkpoint.at}, no longer has the hash it had (a row at or before it was rewritten)`);
  if (now.rows !== checkpoint.rows) breaks.push(`${checkpoint.rows} rows led up to row ${checkpoint.id} at ${checkpoint.at}; now ${now.rows} do`);
  return breaks;
}

/** The hourly checkpoint, written to the log (which the database role cannot reach) by the job queue. */
export function auditCheckpointJobs(db: Knex, logger: { info(message: string, meta: object): unknown }) {
  return {
    tasks: {
      audit_checkpoint: async () => {
        const head = await auditHead(db);
        if (head) logger.info('audit checkpoint', { auditCheckpoint: head });
      },
    },
    crontab: ['0 * * * * audit_checkpoint'],
  };
}
