import { FakeHashlee } from '../support/fakes/hashlee';
import { balanceOf } from '../support/app';
import { payoutSuite } from '../support/payouts';

const s = payoutSuite('hashlee', () => new FakeHashlee(), (fake) => fake.settings());

describe('Hashlee payouts', () => {
  it('are created with the net amount and our id in description, and polled to FINISHED', async () => {
    const { playerId, id } = await s.payoutFor('100.00');
    await s.until(id, 'submitted');
    expect(s.fake.createCalls.find((c) => c.description === id)).toMatchObject({ currency: 'BRL', net_amount: '100.00', gateway_unit_account_id: s.fake.accountId });
    s.fake.setStatus(id, 'EXPORTED');
    await s.until(id, 'processing');
    s.fake.setStatus(id, 'FINISHED');
    await s.until(id, 'succeeded');
    expect(await balanceOf(s.t, playerId)).toBe('900.00');
  });

  it('with no idempotency key, a timed-out create is found by listing on description, never created twice', async () => {
    s.fake.failNextCreate('timeout-after-create');
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('a rate-limited status check ("wait 5 minutes") is simply asked again later', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    s.fake.rateLimitNext(3);
    s.fake.setStatus(id, 'FINISHED');
    await s.until(id, 'succeeded');
  });

  it('the operator can cancel while Hashlee still has it OPEN; the reserve goes back', async () => {
    const { playerId, id } = await s.payoutFor();
    await s.until(id, 'submitted');
    const res = await s.t.operator('post', `/payouts/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(s.fake.byOurId(id)!.status).toBe('CANCELED');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
  });

  it('once Hashlee has moved it past OPEN, cancelling is refused with 409', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    s.fake.setStatus(id, 'PENDING');
    await s.until(id, 'processing');
    const res = await s.t.operator('post', `/payouts/${id}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYOUT_NOT_CANCELLABLE');
  });

  it('any callback claiming to be from Hashlee is refused: it sends none', async () => {
    expect((await s.t.http.post('/webhooks/payouts/hashlee').send({ hash: 'x', status: 'FINISHED' })).status).toBe(401);
  });
});
