import { FakePaystar } from '../support/fakes/paystar';
import { balanceOf } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { RESENDS_AT_MOST } from '../../src/payouts/schedule';

describe.each(['direct', 'butler'] as const)('PayStar payouts (%s)', (mode) => {
  const s = payoutSuite('paystar', () => new FakePaystar(), (fake) => fake.settings(mode));
  /** A rule of one mode's contract: registered only where it holds, so no test is skipped without a word. */
  const onlyIn = (only: typeof mode) => (mode === only ? it : () => undefined);

  it('is sent with a JWT, our id and the PIX fields under their configured names, and followed to Success', async () => {
    const { playerId, id } = await s.payoutFor('100.00');
    await s.until(id, 'submitted');
    const order = s.fake.orderOf(id)!;
    expect(order.fields).toEqual(expect.arrayContaining([{ key: 'pix_key', value: PLAYER_CPF }, { key: 'cpf', value: PLAYER_CPF }]));
    s.fake.setStatus(id, 'Processing');
    await s.until(id, 'processing');
    s.fake.setStatus(id, 'Success');
    await s.until(id, 'succeeded');
    expect(s.fake.createsOf(id)).toBe(1);
    expect(await balanceOf(s.t, playerId)).toBe('900.00');
  });

  it('a timeout after the order was created is resolved by a lookup, never a second order', async () => {
    s.fake.failNextCreate('timeout-after-create');
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    expect(s.fake.createsOf(id)).toBe(1);
  });

  // the Butler bridge documents no duplicate answer, so this runs for the direct withdrawal-order only
  onlyIn('direct')('an order the lookup missed is not created twice: the second send meets -1-4007 and the order is adopted', async () => {
    s.fake.failNextCreate('timeout-after-create');
    s.fake.hideNextLookups(1);
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    expect(s.fake.createsOf(id)).toBe(2);
    expect([...s.fake.orders.values()].filter((o) => o.ours === id)).toHaveLength(1);
  });

  // -1-4007 makes a re-send under the same id harmless; the Butler bridge documents no such refusal
  onlyIn('direct')('with a lookup that never shows the order, re-sends stop at the first -1-4007: two creates, one order, then review', async () => {
    const { id } = await s.inReviewAfterLostAnswer();
    expect(s.fake.createsOf(id)).toBe(2);
    expect([...s.fake.orders.values()].filter((o) => o.ours === id)).toHaveLength(1);
  });

  onlyIn('direct')(`an order that never arrives is re-sent with backoff at most ${RESENDS_AT_MOST} times, then goes to review`, async () => {
    for (let i = 0; i <= RESENDS_AT_MOST + 2; i += 1) s.fake.failNextCreate('reset-before-create');
    const { id } = await s.payoutFor();
    await s.until(id, 'review');
    expect(s.fake.createsOf(id)).toBe(1 + RESENDS_AT_MOST);
    s.fake.clearFaults();
  });

  onlyIn('butler')('through Butler a lost create answer is never re-sent: one create, then review', async () => {
    const { id } = await s.inReviewAfterLostAnswer();
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('Failed is final and returns the reserve', async () => {
    const { playerId, id } = await s.payoutFor();
    await s.until(id, 'submitted');
    s.fake.setStatus(id, 'Failed');
    await s.until(id, 'failed');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
  });

  it('a callback signed over the amount as written triggers a check; a wrong signature gets 401', async () => {
    const { id } = await s.payoutFor('100.00');
    await s.until(id, 'submitted');
    const order = s.fake.setStatus(id, 'Successful');
    expect(await s.fake.notify(s.webhookUrl(), order, { privateKey: 'not-the-key' })).toBe(401);
    expect(await s.statusOf(id)).toBe('submitted');
    // the hash covers the amount as written in the body: 100.00 and "100" each verify when signed that way
    expect(await s.fake.notify(s.webhookUrl(), order, { amountText: '100.00' })).toBe(200);
    expect(await s.fake.notify(s.webhookUrl(), order, { amountText: '"100"' })).toBe(200);
    await s.until(id, 'succeeded');
  });
});
