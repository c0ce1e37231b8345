import { OutcomeUnknown, untilOutcomeKnown } from '../../src/db';

/** Errors as pg and knex raise them. */
const lost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
const poolTimeout = () => Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' });
const statementTimeout = () => Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
const NO_WAIT = [0, 0, 0];

/** A call that fails with each of `failures` in turn, then answers 'committed-answer'. */
function callFailing(...failures: (() => Error)[]) {
  let n = 0;
  const call = async () => {
    const failure = failures[n++];
    if (failure) throw failure();
    return 'committed-answer';
  };
  return { call, tries: () => n };
}

describe('untilOutcomeKnown: no false answer, whatever fails while finding out', () => {
  it('a statement timeout or an empty pool on the first try means nothing was sent or it rolled back: that error, at once', async () => {
    for (const failure of [statementTimeout, poolTimeout]) {
      const c = callFailing(failure);
      await expect(untilOutcomeKnown(c.call, NO_WAIT)).rejects.toThrow(failure().message);
      expect(c.tries()).toBe(1);
    }
  });

  it('after a lost connection, the lookup by key that waits on an exhausted pool keeps the outcome unknown, never "nothing was changed"', async () => {
    const c = callFailing(lost, poolTimeout, poolTimeout, poolTimeout);
    await expect(untilOutcomeKnown(c.call, NO_WAIT)).rejects.toBeInstanceOf(OutcomeUnknown);
    expect(c.tries()).toBe(4);
  });

  it("after a lost connection, the lookup's own statement timeout keeps it unknown too", async () => {
    const c = callFailing(lost, statementTimeout, lost, statementTimeout);
    await expect(untilOutcomeKnown(c.call, NO_WAIT)).rejects.toBeInstanceOf(OutcomeUnknown);
  });

  it('a lookup that gets an answer ends the doubt with it: the stored answer if it had committed', async () => {
    await expect(untilOutcomeKnown(callFailing(lost, poolTimeout).call, NO_WAIT)).resolves.toBe('committed-answer');
  });

  it('a call whose batch broke starts in doubt: an empty pool on its first try alone is not "nothing was changed"', async () => {
    const c = callFailing(poolTimeout, poolTimeout, poolTimeout, poolTimeout);
    await expect(untilOutcomeKnown(c.call, NO_WAIT, true)).rejects.toBeInstanceOf(OutcomeUnknown);
  });

  it('a refusal of the call itself (not the database failing) is its true answer, in doubt or not', async () => {
    const refusal = () => Object.assign(new Error('insufficient funds'), { code: 'P0001' });
    await expect(untilOutcomeKnown(callFailing(lost, refusal).call, NO_WAIT)).rejects.toThrow('insufficient funds');
  });
});
