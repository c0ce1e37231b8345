const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** After this long without a final answer a payout goes to manual review (and keeps being checked hourly). */
export const REVIEW_AFTER_MS = 72 * HOUR;

/**
 * When to ask the provider again (providers' advice: PayStar polls every 2 then 5 minutes; Jumppag retries its
 * webhooks over 3 days): 30 s, 2 min, then every 5 min for a day, then hourly.
 */
export function nextCheckDelayMs(checksDone: number, ageMs: number): number {
  if (checksDone === 0) return 30 * SECOND;
  if (checksDone === 1) return 2 * MINUTE;
  return ageMs < 24 * HOUR ? 5 * MINUTE : HOUR;
}

/**
 * Lookups by our id of an order whose create outcome is not known, before the payout goes to review. A provider's
 * lookup may lag behind its creates, so "no such order" is not proof: 30 s doubling gives about 32 minutes.
 */
export const LOOKUPS_BEFORE_REVIEW = 6;

/** Re-sends under the same id, made only to a provider that documents refusing an id it already holds. */
export const RESENDS_AT_MOST = 5;

/** Exponential backoff with ±20 % jitter (so instances and payouts do not retry in step): 30 s × 2^n, at most 30 min. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(30 * SECOND * 2 ** attempt, 30 * MINUTE) * (0.8 + 0.4 * random()));
}
