import { Knex } from 'knex';
import { ApiError } from '../http';
import { formatAmount } from '../ledger';
import { providerAmount } from '../payouts';
import { ignoreProgress, OnProgress } from '../progress';
import { DepositEngine } from './engine';
import { DepositStatus } from './states';
import { DepositRow } from './transitions';

/**
 * paid_not_credited: the provider says paid, and no money of it is in our ledger; arrived_not_paid: our ledger holds
 * money of a charge the provider does not call paid; amount_differs: both say paid, of different amounts;
 * missing_at_provider: a charge of ours the provider does not know.
 */
export type DepositMismatchKind = 'paid_not_credited' | 'arrived_not_paid' | 'amount_differs' | 'missing_at_provider';

export interface DepositMismatch {
  kind: DepositMismatchKind;
  depositId: string;
  reference: string | null;
  ours: { status: DepositStatus; amount: string; paidAmount: string | null };
  theirs?: { status: string; providerStatus: string; paidAmount: string | null };
}

export interface DepositReconciliation {
  provider: string;
  from: string;
  to: string;
  ours: number;
  asked: number;
  matched: number;
  mismatches: DepositMismatch[];
}

/** States in which money of the charge is in our ledger (credited to the player, held, or given back after being held). */
const ARRIVED = new Set<DepositStatus>(['credited', 'held', 'returned']);

function compare(deposit: DepositRow, theirs: { status: string; providerStatus: string; paidAmount?: string }): DepositMismatch | undefined {
  const mismatch = (kind: DepositMismatchKind): DepositMismatch => ({
    kind, depositId: deposit.id, reference: deposit.provider_reference,
    ours: { status: deposit.status, amount: formatAmount(BigInt(deposit.amount), 2), paidAmount: deposit.paid_amount === null ? null : formatAmount(BigInt(deposit.paid_amount), 2) },
    theirs: { status: theirs.status, providerStatus: theirs.providerStatus, paidAmount: theirs.paidAmount ?? null },
  });
  const paid = theirs.status === 'paid';
  if (paid && !ARRIVED.has(deposit.status)) return mismatch('paid_not_credited');
  if (!paid && ARRIVED.has(deposit.status)) return mismatch('arrived_not_paid');
  if (paid && theirs.paidAmount !== undefined && providerAmount(theirs.paidAmount) !== BigInt(deposit.paid_amount!)) return mismatch('amount_differs');
  return undefined;
}

/**
 * Our deposits made in [from, to) at one provider, each looked up at the provider (no pay-in list call is documented
 * well enough to read): what it says against what our ledger holds. Read-only: it reports, the engine acts (a
 * charge paid and not credited is credited by the next check of an open deposit).
 */
export async function reconcileDeposits(db: Knex, engine: DepositEngine, provider: string, range: { from: Date; to: Date },
  onProgress: OnProgress = ignoreProgress): Promise<DepositReconciliation> {
  if (!engine.takesDeposits(provider)) throw new ApiError(400, 'PROVIDER_HAS_NO_PAYIN', `provider ${provider} is not configured here with a PIX pay-in`, 'provider');
  const ours: DepositRow[] = await db('deposits').where({ provider }).where('created_at', '>=', range.from).where('created_at', '<', range.to).orderBy('created_at');
  // a deposit that never reached the provider (refused at once, or no create attempted) has nothing to ask about
  const asked = ours.filter((d) => d.provider_reference || d.create_attempts > 0);
  const mismatches: DepositMismatch[] = [];
  let matched = 0;
  for (const [index, deposit] of asked.entries()) {
    onProgress({ phase: 'asking for charges by id', done: index, total: asked.length });
    const theirs = await engine.lookUp(deposit);
    if (!theirs.found) {
      if (deposit.provider_reference || ARRIVED.has(deposit.status)) {
        mismatches.push({ kind: 'missing_at_provider', depositId: deposit.id, reference: deposit.provider_reference,
          ours: { status: deposit.status, amount: formatAmount(BigInt(deposit.amount), 2), paidAmount: deposit.paid_amount === null ? null : formatAmount(BigInt(deposit.paid_amount), 2) } });
      }
      continue;
    }
    const mismatch = compare(deposit, theirs);
    if (mismatch) mismatches.push(mismatch);
    else matched += 1;
  }
  onProgress({ phase: 'done', done: asked.length, total: asked.length });
  return { provider, from: range.from.toISOString(), to: range.to.toISOString(), ours: ours.length, asked: asked.length, matched, mismatches };
}

/** The reconciliation as terminal lines: a verdict, then one line per mismatch. */
export function describeDepositReconciliation(r: DepositReconciliation): string {
  const head = `${r.provider} deposits ${r.from} → ${r.to}: ${r.ours} ours, ${r.asked} asked for, ${r.matched} matched, ${r.mismatches.length} mismatch(es)\n`;
  return head + r.mismatches.map((m) => `  ${m.kind}: deposit ${m.depositId} reference ${m.reference ?? '-'} ours ${m.ours.status} ${m.ours.amount}` +
    `${m.theirs ? ` theirs ${m.theirs.status} (${m.theirs.providerStatus})${m.theirs.paidAmount ? ` paid ${m.theirs.paidAmount}` : ''}` : ''}\n`).join('');
}
