import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * A check of a presented secret (a bearer token) against the expected one, in constant time: both sides are
 * hashed first, so neither the length nor how much of it was right shows in the timing.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const wanted = digest(expected);
  return (given) => timingSafeEqual(digest(given), wanted);
}
