/**
 * Deposit states (docs/deposits.md): created (our row, the provider's charge not known yet) → pending (the charge
 * shown to the player) → paid (the provider's lookup says so; always a step of the history, never a resting state)
 * → credited, or held when the payer, the amount or the player's rules do not allow it; held → returned once a
 * second person approves the return; expired and failed when no money came.
 */
export type DepositStatus = 'created' | 'pending' | 'paid' | 'credited' | 'expired' | 'failed' | 'held' | 'returned';

export const DEPOSIT_STATUSES: readonly DepositStatus[] = ['created', 'pending', 'paid', 'credited', 'expired', 'failed', 'held', 'returned'];

/** States the poller follows: a charge may still be made, paid or end. */
export const OPEN: readonly DepositStatus[] = ['created', 'pending'];

/**
 * Where each state may go. A charge reported paid after we saw it expire is still money that arrived: it is
 * credited or held like any other.
 */
const NEXT: Record<DepositStatus, readonly DepositStatus[]> = {
  created: ['pending', 'paid', 'expired', 'failed'],
  pending: ['paid', 'expired', 'failed'],
  paid: ['credited', 'held'],
  expired: ['paid'],
  failed: [],
  credited: [],
  held: ['returned'],
  returned: [],
};

export function canMove(from: DepositStatus, to: DepositStatus): boolean {
  return NEXT[from].includes(to);
}

/** The ledger leg of arriving in a state, if any: the money of a paid charge goes to the player or is held; a return gives it back. */
export type DepositLeg = 'credit' | 'hold' | 'return';

export function legOf(to: DepositStatus): DepositLeg | undefined {
  if (to === 'credited') return 'credit';
  if (to === 'held') return 'hold';
  return to === 'returned' ? 'return' : undefined;
}
