/**
 * A player's identity verification, vendor-neutral (docs/kyc.md): none → pending → verified | retry_required |
 * rejected; verified → reverify_required → verified; suspended is set and lifted by a person only.
 */
export const KYC_STATUSES = ['none', 'pending', 'verified', 'retry_required', 'rejected', 'reverify_required', 'suspended'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

/** A vendor's review, read server-side: still under way, or completed with its answer. */
export type Review =
  | { state: 'in_progress' }
  | { state: 'completed'; answer: 'GREEN' }
  | { state: 'completed'; answer: 'RED'; rejectType: 'RETRY' | 'FINAL' };

export const ADULT_AGE = 18;

/** Whole years from a birth date to a day, both 'YYYY-MM-DD' (a person born on 29 February comes of age on 1 March). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * The state a review moves a player to, or the state unchanged. A review never moves a player backwards: a late
 * "in progress" after a decision changes nothing, and a person's suspension is lifted only by a person. A RED after
 * GREEN asks for verification again (RETRY) or rejects (FINAL). Under 18 on the day of the decision is rejected,
 * whatever the vendor says; a GREEN for a player with no birth date on file cannot prove an adult and leaves the
 * player pending (fail closed).
 */
export function decide(current: KycStatus, review: Review, person: { birthDate: string | null; today: string }): KycStatus {
  if (current === 'suspended' || current === 'rejected') return current;
  // a review under way after a request to retry is the player's new attempt; after a decision it is no news
  if (review.state === 'in_progress') return current === 'none' || current === 'retry_required' ? 'pending' : current;
  if (review.answer === 'GREEN') {
    if (person.birthDate === null) return current === 'verified' ? current : 'pending';
    return ageOn(person.birthDate, person.today) < ADULT_AGE ? 'rejected' : 'verified';
  }
  if (review.rejectType === 'FINAL') return 'rejected';
  return current === 'verified' || current === 'reverify_required' ? 'reverify_required' : 'retry_required';
}
