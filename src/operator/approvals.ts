import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { formatAmount, systemAccount, transfer } from '../ledger';
import { exponentOf, findPlayer, PlayerRow } from './players';

interface ApprovalRow {
  id: string;
  kind: 'adjustment';
  player_id: string;
  currency: string;
  amount: string;
  reason: string;
  transaction_id: string;
  status: 'pending' | 'approved' | 'rejected';
  requested_by: string;
  requested_role: string;
  decided_by: string | null;
  decided_role: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  created_at: Date;
  external_id?: string;
}

function approvalView(row: ApprovalRow & { external_id: string }) {
  return {
    approvalId: row.id,
    kind: row.kind,
    status: row.status,
    playerId: row.external_id,
    amount: formatAmount(BigInt(row.amount), exponentOf(row.currency)),
    currency: row.currency,
    reason: row.reason,
    transactionId: row.transaction_id,
    requestedBy: row.requested_by,
    requestedRole: row.requested_role,
    decidedBy: row.decided_by,
    decidedRole: row.decided_role,
    note: row.decision_note,
    requestedAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

/** Whether an adjustment of `amount` (minor units, signed) in this currency needs a second person. */
export function needsApproval(amount: bigint, threshold: bigint | undefined): boolean {
  return threshold !== undefined && (amount < 0n ? -amount : amount) > threshold;
}

/**
 * Files an adjustment for a second person's decision, in the caller's transaction. A debit's amount moves to the
 * currency's approval hold now, so the player cannot spend it while it waits; a credit waits with nothing held.
 */
export async function requestAdjustmentApproval(trx: Knex.Transaction, player: PlayerRow, amount: bigint, reason: string, transactionId: string,
  requester: Actor, traceId: string) {
  const id = randomUUID();
  const [row]: ApprovalRow[] = await trx('approvals').insert({
    id, kind: 'adjustment', player_id: player.id, currency: player.currency, amount: amount.toString(), reason, transaction_id: transactionId,
    requested_by: requester.id, requested_role: requester.role,
  }).returning('*');
  if (amount < 0n) {
    await transfer(trx, { key: `approval:${id}:hold`, kind: 'approval_hold', debitAccountId: player.account_id,
      creditAccountId: await systemAccount(trx, 'approval_hold', player.currency), amount: -amount, reference: id });
  }
  await recordAudit(trx, { action: 'adjustment.request_approval', playerId: player.id, details: { approvalId: id, transactionId, amount: amount.toString(), reason }, traceId });
  return approvalView({ ...row, external_id: player.external_id });
}

function withPlayer(db: Knex | Knex.Transaction) {
  return db('approvals as a').join('players as p', 'p.id', 'a.player_id').select('a.*', 'p.external_id');
}

export async function listApprovals(db: Knex, status: string | undefined) {
  const query = withPlayer(db).orderBy('a.created_at', 'desc').limit(200);
  if (status) query.where('a.status', status);
  const rows: (ApprovalRow & { external_id: string })[] = await query;
  return { approvals: rows.map(approvalView) };
}

/**
 * A second person's decision on a waiting adjustment. Approving moves the money as the adjustment would have
 * (a debit from the hold, a credit to the player); rejecting gives a held debit back. Never the requester, never
 * the bootstrap token; of two people deciding at once, one decides and the other is told it was decided.
 */
export async function decideApproval(db: Knex, approvalId: string, decision: 'approve' | 'reject', note: string | undefined, decider: Actor, traceId: string) {
  if (decider.id === 'bootstrap') throw new ApiError(403, 'FORBIDDEN', 'the bootstrap OPERATOR_TOKEN cannot approve: a second person signs in to decide');
  return db.transaction(async (trx) => {
    const row = uuidShaped(approvalId)
      ? await withPlayer(trx).where('a.id', approvalId).forUpdate().first<(ApprovalRow & { external_id: string }) | undefined>()
      : undefined;
    if (!row) throw new ApiError(404, 'APPROVAL_NOT_FOUND', `approval ${approvalId} does not exist`);
    if (row.status !== 'pending') throw new ApiError(409, 'APPROVAL_DECIDED', `approval ${approvalId} was already ${row.status}`);
    if (row.requested_by === decider.id) throw new ApiError(403, 'SELF_APPROVAL', 'the person who asked cannot decide: four eyes means a second person');
    const amount = BigInt(row.amount);
    const player = await findPlayer(trx, row.external_id);
    const hold = await systemAccount(trx, 'approval_hold', row.currency);
    const corrections = await systemAccount(trx, 'corrections', row.currency);
    if (decision === 'approve') {
      await transfer(trx, { key: `adjustment:${row.transaction_id}`, kind: 'adjustment', reference: row.reason,
        ...(amount > 0n ? { debitAccountId: corrections, creditAccountId: player.account_id, amount } : { debitAccountId: hold, creditAccountId: corrections, amount: -amount }) });
    } else if (amount < 0n) {
      await transfer(trx, { key: `approval:${row.id}:release`, kind: 'approval_release', debitAccountId: hold, creditAccountId: player.account_id, amount: -amount, reference: row.id });
    }
    const [decided]: ApprovalRow[] = await trx('approvals').where({ id: row.id }).update({
      status: decision === 'approve' ? 'approved' : 'rejected', decided_by: decider.id, decided_role: decider.role, decision_note: note ?? null, decided_at: new Date(),
    }).returning('*');
    await recordAudit(trx, { action: `adjustment.${decision}`, playerId: row.player_id, details: { approvalId: row.id, transactionId: row.transaction_id, amount: row.amount, note: note ?? null }, traceId });
    return approvalView({ ...decided, external_id: row.external_id });
  });
}
