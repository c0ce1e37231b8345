/** How long to keep asking, and how often. */
export interface Patience {
  within?: number;
  every?: number;
}

/**
 * Asks `read` every `every` ms until `accept` holds for what it answers, and returns that answer; after `within` ms,
 * fails naming `what` and the last answer seen. A read that throws counts as an answer not yet accepted (a page not
 * drawn yet, a server still starting), so a poll never ends on the first hiccup.
 */
export async function eventually<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean,
  { within = 8_000, every = 25 }: Patience = {}): Promise<T> {
  let last: string = 'nothing';
  for (const end = Date.now() + within; Date.now() < end; await new Promise((r) => setTimeout(r, every))) {
    try {
      const value = await read();
      if (accept(value)) return value;
      last = JSON.stringify(value);
    } catch (error) {
      last = `error: ${(error as Error).message}`;
    }
  }
  throw new Error(`${what}: still ${last} after ${within} ms`);
}
