import { Knex } from 'knex';
import { uuidShaped } from '../http';
import { ignoreProgress, OnProgress } from '../progress';
import { AmountError, formatAmount, parseAmount } from '../ledger';
import { loadOrder } from './orders';
import { ListedPayout, PayoutProvider } from './providers/types';
import { PayoutStatus } from './states';
import { PayoutRow } from './transitions';

export type MismatchKind = 'missing_at_provider' | 'missing_here' | 'status_differs' | 'amount_differs';

export interface Mismatch {
  kind: MismatchKind;
  payoutId: string | null;
  reference: string | null;
  ours?: { status: PayoutStatus; amount: string };
  theirs?: { status: PayoutStatus; providerStatus: string; amount: string };
}

export interface Reconciliation {
  provider: string;
  from: string;
  to: string;
  /** Whether the provider's list was read, or (without a list call) each of our payouts was asked for. */
  method: 'list' | 'lookup';
  ours: number;
  theirs: number;
  matched: number;
  mismatches: Mismatch[];
}

/** States that say the same thing: "sent, not final" is submitted at one provider and processing at another. */
const SAME: Partial<Record<PayoutStatus, PayoutStatus>> = { submitted: 'processing' };
const sameStatus = (a: PayoutStatus, b: PayoutStatus) => (SAME[a] ?? a) === (SAME[b] ?? b);

/** A payout the provider must know: it accepted it, or it may have (a send whose answer was never read). */
const SENT = new Set<PayoutStatus>(['submitted', 'processing', 'on_hold', 'unknown', 'review', 'succeeded', 'reversed']);

function centavos(text: string): bigint | undefined {
  try {
    return parseAmount(text, 2);
  } catch (error) {
    if (error instanceof AmountError) return undefined;
    throw error;
  }
}

/** The differences between our payout and the provider's order; none when they agree. */
function compare(payout: PayoutRow, theirs: ListedPayout): Mismatch[] {
  const base = {
    payoutId: payout.id,
    reference: theirs.reference,
    ours: { status: payout.status, amount: formatAmount(payout.amount, 2) },
    theirs: { status: theirs.status, providerStatus: theirs.providerStatus, amount: theirs.amount },
  };
  const found: Mismatch[] = [];
  if (!sameStatus(payout.status, theirs.status)) found.push({ kind: 'status_differs', ...base });
  if (centavos(theirs.amount) !== BigInt(payout.amount)) found.push({ kind: 'amount_differs', ...base });
  return found;
}

const LIST_BATCH = 100;

/** Our payouts among `listed`, found by the provider's reference or by our id, in one query. */
async function payoutsListed(db: Knex, providerName: string, listed: ListedPayout[]): Promise<PayoutRow[]> {
  if (listed.length === 0) return [];
  const ourIds = listed.map((l) => l.ourId).filter((id): id is string => id !== null && uuidShaped(id));
  return db('payouts')
    .where({ provider: providerName })
    .andWhere((q) => {
      q.whereIn('provider_reference', listed.map((l) => l.reference));
      if (ourIds.length > 0) q.orWhereIn('id', ourIds);
    });
}

/**
 * Compares our payouts requested in [from, to) at one provider with the provider's own records: its list call
 * where it has one (which also finds orders we do not know), otherwise one status lookup per payout. An order
 * of ours that the list leaves out (a send that crossed the range's edge) is asked for by id before it is
 * called missing. Read-only: it reports, the payout engine acts.
 */
export async function reconcilePayouts(
  db: Knex,
  provider: PayoutProvider,
  range: { from: Date; to: Date },
  onProgress: OnProgress = ignoreProgress,
): Promise<Reconciliation> {
  const ours: PayoutRow[] = await db('payouts')
    .where({ provider: provider.name })
    .where('requested_at', '>=', range.from)
    .where('requested_at', '<', range.to)
    .orderBy('requested_at');
  const mismatches: Mismatch[] = [];
  const matched = new Set<string>();
  let theirs = 0;
  if (provider.list) {
    const compareBatch = async (batch: ListedPayout[]) => {
      const known = await payoutsListed(db, provider.name, batch);
      for (const listed of batch) {
        const payout = known.find((p) => p.provider_reference === listed.reference || p.id === listed.ourId);
        if (!payout) {
          mismatches.push({ kind: 'missing_here', payoutId: null, reference: listed.reference, theirs: { status: listed.status, providerStatus: listed.providerStatus, amount: listed.amount } });
          continue;
        }
        matched.add(payout.id);
        mismatches.push(...compare(payout, listed));
      }
    };
    let batch: ListedPayout[] = [];
    for await (const listed of provider.list(range)) {
      theirs += 1;
      batch.push(listed);
      if (batch.length < LIST_BATCH) continue;
      await compareBatch(batch);
      batch = [];
      onProgress({ phase: 'reading the provider list', done: theirs, total: null });
    }
    await compareBatch(batch);
    onProgress({ phase: 'reading the provider list', done: theirs, total: null });
  }
  const lookups = ours.filter((p) => !matched.has(p.id) && (SENT.has(p.status) || p.provider_reference));
  for (const [index, payout] of lookups.entries()) {
    onProgress({ phase: 'asking for payouts by id', done: index, total: lookups.length });
    const { order } = (await loadOrder(db, payout.id))!;
    const answer = await provider.status(order, payout.provider_reference);
    if (!answer.found) {
      mismatches.push({ kind: 'missing_at_provider', payoutId: payout.id, reference: payout.provider_reference, ours: { status: payout.status, amount: formatAmount(payout.amount, 2) } });
      continue;
    }
    matched.add(payout.id);
    mismatches.push(...compare(payout, { ourId: payout.id, ...answer, amount: answer.amount ?? formatAmount(payout.amount, 2) }));
  }
  onProgress({ phase: 'done', done: lookups.length, total: lookups.length });
  return {
    provider: provider.name,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    method: provider.list ? 'list' : 'lookup',
    ours: ours.length,
    theirs,
    matched: matched.size,
    mismatches,
  };
}

/** The reconciliation as terminal lines: a verdict, then one line per mismatch. */
export function describeReconciliation(r: Reconciliation): string {
  const head = `${r.provider} ${r.from} → ${r.to} (${r.method === 'list' ? 'provider list' : 'lookup per payout: this provider has no list call'}): ` +
    `${r.ours} ours, ${r.theirs} listed by the provider, ${r.matched} matched, ${r.mismatches.length} mismatch(es)\n`;
  return head + r.mismatches.map((m) => {
    const ours = m.ours ? ` ours ${m.ours.status} ${m.ours.amount}` : '';
    const theirs = m.theirs ? ` theirs ${m.theirs.status} (${m.theirs.providerStatus}) ${m.theirs.amount}` : '';
    return `  ${m.kind}: payout ${m.payoutId ?? '-'} reference ${m.reference ?? '-'}${ours}${theirs}\n`;
  }).join('');
}
