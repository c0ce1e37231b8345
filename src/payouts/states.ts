/**
 * Payout states (README: "Cash-out"). pending_approval (above APPROVAL_THRESHOLD: reserved, not sent until a second
 * person approves) → requested or cancelled; requested → submitted → processing → succeeded | failed | cancelled;
 * succeeded → reversed; unknown while a send's outcome is not known; on_hold while the provider holds it; review
 * when the lookups could not settle a send's outcome and a person must (the reserve stays held).
 */
export type PayoutStatus =
  | 'pending_approval'
  | 'requested'
  | 'submitted'
  | 'processing'
  | 'on_hold'
  | 'unknown'
  | 'review'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'reversed';

export const PAYOUT_STATUSES: readonly PayoutStatus[] = ['pending_approval', 'requested', 'submitted', 'processing', 'on_hold', 'unknown',
  'review', 'succeeded', 'failed', 'cancelled', 'reversed'];

export const FINAL: ReadonlySet<PayoutStatus> = new Set(['succeeded', 'failed', 'cancelled', 'reversed']);

const OPEN: PayoutStatus[] = ['requested', 'submitted', 'processing', 'on_hold', 'unknown', 'review'];
/** States in which a send may have reached the provider without our knowing its outcome. */
export const IN_DOUBT: ReadonlySet<PayoutStatus> = new Set(['unknown', 'review']);
const ENDINGS: PayoutStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Where each state may go. A provider may report any open state or an ending from any open state. */
const NEXT: Record<PayoutStatus, readonly PayoutStatus[]> = {
  pending_approval: ['requested', 'cancelled'],
  requested: [...OPEN.filter((s) => s !== 'requested'), ...ENDINGS],
  submitted: ['processing', 'on_hold', 'unknown', ...ENDINGS],
  processing: ['submitted', 'on_hold', 'unknown', ...ENDINGS],
  on_hold: ['submitted', 'processing', 'unknown', ...ENDINGS],
  unknown: ['submitted', 'processing', 'on_hold', 'review', ...ENDINGS],
  // review → unknown: a re-send the operator ordered met no readable answer either
  review: ['submitted', 'processing', 'on_hold', 'unknown', ...ENDINGS],
  succeeded: ['reversed'],
  failed: [],
  cancelled: [],
  reversed: [],
};

export function canMove(from: PayoutStatus, to: PayoutStatus): boolean {
  return NEXT[from].includes(to);
}

/** The ledger movement a transition makes, if any: the reserve is released, settled, or given back. */
export type LedgerEffect = 'release' | 'settle' | 'reverse';

export function ledgerEffect(from: PayoutStatus, to: PayoutStatus): LedgerEffect | undefined {
  if (to === 'failed' || to === 'cancelled') return 'release';
  if (to === 'succeeded') return 'settle';
  if (from === 'succeeded' && to === 'reversed') return 'reverse';
  return undefined;
}
