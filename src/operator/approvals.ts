import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { formatAmount, systemAccount, transfer } from '../ledger';
import { exponentOf, findPlayer, operatorAmount, PlayerRow } from './players';

export type ApprovalKind = 'adjustment' | 'payout';

interface ApprovalRow {
  id: string;
  kind: ApprovalKind;
  player_id: string;
  payout_id: string | null;
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
    payoutId: row.payout_id,
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

/** The currency's APPROVAL_THRESHOLD in minor units; undefined when it has none (no approval step). */
export function approvalThreshold(thresholds: Record<string, string>, currency: string): bigint | undefined {
  const text = thresholds[currency];
  return text === undefined ? undefined : operatorAmount(text, currency, 'APPROVAL_THRESHOLD');
}

/** Whether an amount (minor units, signed) in this currency needs a second person. */
export function needsApproval(amount: bigint, threshold: bigint | undefined): boolean {
  return threshold !== undefined && (amount < 0n ? -amount : amount) > threshold;
}

/**
 * What deciding an approval of another capability's kind does, in the decision's transaction. The payouts module
 * answers for kind `payout`: approving sends the payout, rejecting cancels it and releases its reserve.
 */
export interface ApprovalSubject {
  approve(trx: Knex.Transaction, subjectId: string): Promise<void>;
  reject(trx: Knex.Transaction, subjectId: string): Promise<void>;
}

export interface ApprovalFiling {
  kind: ApprovalKind;
  player: PlayerRow;
  /** Minor units: signed for an adjustment, the amount paid for a payout. */
  amount: bigint;
  reason: string;
  transactionId: string;
  payoutId?: string;
}

/** Files a request for a second person's decision, in the caller's transaction, with its audit row. */
export async function fileApproval(trx: Knex.Transaction, filing: ApprovalFiling, requester: Actor, traceId: string) {
  const id = randomUUID();
  const { kind, player, amount, reason, transactionId } = filing;
  const [row]: ApprovalRow[] = await trx('approvals').insert({
    id, kind, player_id: player.id, payout_id: filing.payoutId ?? null, currency: player.currency, amount: amount.toString(), reason,
    transaction_id: transactionId, requested_by: requester.id, requested_role: requester.role,
  }).returning('*');
  await recordAudit(trx, { action: `${kind}.request_approval`, playerId: player.id,
    details: { approvalId: id, transactionId, amount: amount.toString(), reason, ...(filing.payoutId ? { payoutId: filing.payoutId } : {}) }, traceId });
  return approvalView({ ...row, external_id: player.external_id });
}

/**
 * Files an adjustment for a second person's decision. A debit's amount moves to the currency's approval hold now,
 * so the player cannot spend it while it waits; a credit waits with nothing held.
 */
export async function requestAdjustmentApproval(trx: Knex.Transaction, player: PlayerRow, amount: bigint, reason: string, transactionId: string,
  requester: Actor, traceId: string) {
  const approval = await fileApproval(trx, { kind: 'adjustment', player, amount, reason, transactionId }, requester, traceId);
  if (amount < 0n) {
    await transfer(trx, { key: `approval:${approval.approvalId}:hold`, kind: 'approval_hold', debitAccountId: player.account_id,
      creditAccountId: await systemAccount(trx, 'approval_hold', player.currency), amount: -amount, reference: approval.approvalId });
  }
  return approval;
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

/** An adjustment decided: approving moves the money as the adjustment would have (a debit from the hold, a credit to the player); rejecting gives a held debit back. */
async function decideAdjustment(trx: Knex.Transaction, row: ApprovalRow & { external_id: string }, decision: 'approve' | 'reject') {
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
}

/**
 * A second person's decision on a waiting request: an adjustment here, any other kind by its `subjects` entry.
 * Never the requester, never the bootstrap token; of two people deciding at once, one decides and the other is
 * told it was decided.
 */
export async function decideApproval(db: Knex, approvalId: string, decision: 'approve' | 'reject', note: string | undefined, decider: Actor, traceId: string,
  subjects: Partial<Record<ApprovalKind, ApprovalSubject>>) {
  if (decider.id === 'bootstrap') throw new ApiError(403, 'FORBIDDEN', 'the bootstrap OPERATOR_TOKEN cannot approve: a second person signs in to decide');
  return db.transaction(async (trx) => {
    const row = uuidShaped(approvalId)
      ? await withPlayer(trx).where('a.id', approvalId).forUpdate().first<(ApprovalRow & { external_id: string }) | undefined>()
      : undefined;
    if (!row) throw new ApiError(404, 'APPROVAL_NOT_FOUND', `approval ${approvalId} does not exist`);
    if (row.status !== 'pending') throw new ApiError(409, 'APPROVAL_DECIDED', `approval ${approvalId} was already ${row.status}`);
    if (row.requested_by === decider.id) throw new ApiError(403, 'SELF_APPROVAL', 'the person who asked cannot decide: four eyes means a second person');
    if (row.kind === 'adjustment') await decideAdjustment(trx, row, decision);
    else await subjects[row.kind]![decision](trx, row.payout_id!);
    const [decided]: ApprovalRow[] = await trx('approvals').where({ id: row.id }).update({
      status: decision === 'approve' ? 'approved' : 'rejected', decided_by: decider.id, decided_role: decider.role, decision_note: note ?? null, decided_at: new Date(),
    }).returning('*');
    await recordAudit(trx, { action: `${row.kind}.${decision}`, playerId: row.player_id,
      details: { approvalId: row.id, transactionId: row.transaction_id, amount: row.amount, note: note ?? null, ...(row.payout_id ? { payoutId: row.payout_id } : {}) }, traceId });
    return approvalView({ ...decided, external_id: row.external_id });
  });
}
