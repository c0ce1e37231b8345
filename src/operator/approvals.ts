import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { formatAmount, systemAccount, transfer } from '../ledger';
import { exponentOf, findPlayer, PlayerRow } from './players';
import { ManualKind } from './four-eyes';
import { creditTopUp, moveAdjustment, auditedAmount } from './moves';
import { admitTopUp, PlayerProtection } from './protection';

export type ApprovalKind = ManualKind | 'deposit_return';

interface ApprovalRow {
  id: string;
  kind: ApprovalKind;
  player_id: string;
  payout_id: string | null;
  deposit_id: string | null;
  currency: string;
  amount: string;
  reason: string;
  held_because: string;
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
    depositId: row.deposit_id,
    amount: formatAmount(BigInt(row.amount), exponentOf(row.currency)),
    currency: row.currency,
    reason: row.reason,
    heldBecause: row.held_because,
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

/**
 * What deciding an approval of another capability's kind does, in the decision's transaction. The payouts module
 * answers for kind `payout`: approving sends the payout, rejecting cancels it and releases its reserve.
 */
export interface ApprovalSubject {
  approve(trx: Knex.Transaction, subjectId: string, decider: Actor): Promise<void>;
  reject(trx: Knex.Transaction, subjectId: string, decider: Actor): Promise<void>;
}

export interface ApprovalFiling {
  kind: ApprovalKind;
  player: PlayerRow;
  /** Minor units: signed for an adjustment, the amount paid for a payout. */
  amount: bigint;
  reason: string;
  /** Why it waits: the rule that held it (four-eyes.ts holdReason, or a payout's destination). */
  heldBecause: string;
  transactionId: string;
  payoutId?: string;
  depositId?: string;
}

/** The payout or deposit an approval decides, for its audit rows. */
const subjectOf = (of: { payoutId?: string | null; depositId?: string | null }) => ({ ...(of.payoutId ? { payoutId: of.payoutId } : {}), ...(of.depositId ? { depositId: of.depositId } : {}) });

/** Files a request for a second person's decision, in the caller's transaction, with its audit row. */
export async function fileApproval(trx: Knex.Transaction, filing: ApprovalFiling, requester: Actor, traceId: string) {
  const id = randomUUID();
  const { kind, player, amount, reason, transactionId } = filing;
  const [row]: ApprovalRow[] = await trx('approvals').insert({
    id, kind, player_id: player.id, payout_id: filing.payoutId ?? null, deposit_id: filing.depositId ?? null, currency: player.currency, amount: amount.toString(), reason, held_because: filing.heldBecause,
    transaction_id: transactionId, requested_by: requester.id, requested_role: requester.role,
  }).returning('*');
  await recordAudit(trx, { action: `${kind}.request_approval`, playerId: player.id,
    details: { approvalId: id, transactionId, ...auditedAmount(amount, player.currency), reason, heldBecause: filing.heldBecause, ...subjectOf(filing) }, traceId });
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
 * A top-up or adjustment decided. Approved, the money moves as it would have alone: a top-up to the player (if the
 * player may still take money in), a credit to the player, a debit from the hold that kept it. Rejected, a held debit
 * goes back to the player.
 */
async function decideMoney(trx: Knex.Transaction, row: ApprovalRow & { external_id: string }, decision: 'approve' | 'reject', protection: PlayerProtection, traceId: string) {
  const amount = BigInt(row.amount);
  const player = await findPlayer(trx, row.external_id);
  if (decision === 'approve' && row.kind === 'topup') {
    admitTopUp(protection, player);
    await creditTopUp(trx, player, amount, row.transaction_id, traceId);
  } else if (decision === 'approve') {
    await moveAdjustment(trx, player, amount, row.reason, row.transaction_id, traceId, 'hold');
  } else if (amount < 0n) {
    await transfer(trx, { key: `approval:${row.id}:release`, kind: 'approval_release', debitAccountId: await systemAccount(trx, 'approval_hold', row.currency),
      creditAccountId: player.account_id, amount: -amount, reference: row.id });
  }
}

/** Every actor whose hands an account's credentials passed through: its creators and password setters, and theirs, up to the bootstrap token. */
async function credentialsSources(trx: Knex.Transaction, staffId: string): Promise<Set<string>> {
  if (!uuidShaped(staffId)) return new Set();
  const { rows } = await trx.raw<{ rows: { source: string }[] }>(`
    WITH RECURSIVE sources(source) AS (
      SELECT unnest(credentials_from) FROM staff WHERE id = ?::uuid
      UNION SELECT unnest(s.credentials_from) FROM staff s JOIN sources ON s.id::text = sources.source
    ) SELECT source FROM sources`, [staffId]);
  return new Set(rows.map((r) => r.source));
}

/**
 * The second person must hold credentials of their own: an approver whose account the requester made or set the
 * password of (directly, or through accounts made in turn), or the other way round, is one person twice. So the
 * bootstrap token's requests, from which every account descends, are never approved: it sets up, people move money.
 */
async function refuseDependentDecider(trx: Knex.Transaction, requester: string, decider: string): Promise<void> {
  const [ofDecider, ofRequester] = await Promise.all([credentialsSources(trx, decider), credentialsSources(trx, requester)]);
  if (ofDecider.has(requester) || ofRequester.has(decider)) {
    throw new ApiError(403, 'APPROVER_NOT_INDEPENDENT', `${ofDecider.has(requester) ? 'your account was made, or its password set, by the person who asked' : 'you made, or set the password of, the account that asked'} (directly or through accounts made in turn): a second person holds credentials of their own`);
  }
}

/**
 * A second person's decision on a waiting request: an adjustment here, any other kind by its `subjects` entry.
 * Never the requester, never the bootstrap token; of two people deciding at once, one decides and the other is
 * told it was decided.
 */
export async function decideApproval(db: Knex, approvalId: string, decision: 'approve' | 'reject', note: string | undefined, decider: Actor, traceId: string,
  subjects: Partial<Record<ApprovalKind, ApprovalSubject>>, protection: PlayerProtection) {
  if (decider.id === 'bootstrap') throw new ApiError(403, 'FORBIDDEN', 'the bootstrap OPERATOR_TOKEN cannot approve: a second person signs in to decide');
  return db.transaction(async (trx) => {
    const row = uuidShaped(approvalId)
      ? await withPlayer(trx).where('a.id', approvalId).forUpdate().first<(ApprovalRow & { external_id: string }) | undefined>()
      : undefined;
    if (!row) throw new ApiError(404, 'APPROVAL_NOT_FOUND', `approval ${approvalId} does not exist`);
    if (row.status !== 'pending') throw new ApiError(409, 'APPROVAL_DECIDED', `approval ${approvalId} was already ${row.status}`);
    if (row.requested_by === decider.id) throw new ApiError(403, 'SELF_APPROVAL', 'the person who asked cannot decide: four eyes means a second person');
    // rejecting moves no money out: anyone may stop a request, only an independent person may let it through
    if (decision === 'approve') await refuseDependentDecider(trx, row.requested_by, decider.id);
    const subject = subjects[row.kind];
    if (subject) await subject[decision](trx, (row.payout_id ?? row.deposit_id)!, decider);
    else await decideMoney(trx, row, decision, protection, traceId);
    const [decided]: ApprovalRow[] = await trx('approvals').where({ id: row.id }).update({
      status: decision === 'approve' ? 'approved' : 'rejected', decided_by: decider.id, decided_role: decider.role, decision_note: note ?? null, decided_at: new Date(),
    }).returning('*');
    await recordAudit(trx, { action: `${row.kind}.${decision}`, playerId: row.player_id,
      details: { approvalId: row.id, transactionId: row.transaction_id, ...auditedAmount(row.amount, row.currency), note: note ?? null, ...subjectOf({ payoutId: row.payout_id, depositId: row.deposit_id }) }, traceId });
    return approvalView({ ...decided, external_id: row.external_id });
  });
}
