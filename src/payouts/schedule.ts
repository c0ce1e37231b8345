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
