import { balanceOf } from '../support/app';
import { FakeJumppag } from '../support/fakes/jumppag';
import { FakeSigap } from '../support/fakes/sigap';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { aDayPasses, brazil, cpfFor, givenBrazilianPlay } from '../support/protection';

const DAY = 86_400_000;
const sigap = new FakeSigap();
beforeAll(() => sigap.start()); // before the suite's app, which needs its URL
afterAll(() => sigap.stop());
const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings(), { app: () => ({ protection: brazil(sigap) }) });

/** A funded player barred at their first session of a new day; the impediment as the API shows it. */
async function barredPlayer(playerId: string, cpf: string, balance: string) {
  await givenBrazilianPlay(s.t, playerId, cpf, balance);
  sigap.bar(cpf);
  await aDayPasses(s.t, playerId);
  await s.t.operator('post', `/players/${playerId}/sessions`, {}).expect(201);
  return (await s.t.operator('get', `/players/${playerId}/protection`).expect(200)).body.impediment;
}
const protectionOf = async (playerId: string) => (await s.t.operator('get', `/players/${playerId}/protection`).expect(200)).body;
const tick = (at: number) => s.t.app.locals.protection.tick(new Date(at), 'test-clock');

describe('an impediment, day by day (time moved by the test clock)', () => {
  it('withdrawals flow in the window; the account closes after it and the rest goes to the player\'s own account', async () => {
    const impediment = await barredPlayer('imp-paid', PLAYER_CPF, '300.00');
    const impededAt = Date.parse(impediment.impededAt);
    expect(Date.parse(impediment.withdrawUntil)).toBe(impededAt + 2 * DAY);
    expect(Date.parse(impediment.closeBy)).toBe(impededAt + 3 * DAY);

    const own = await s.t.operator('post', '/players/imp-paid/payouts', { amount: '100.00', pixKey: PLAYER_CPF, transactionId: 'imp-paid-own' }).expect(202);
    await s.until(own.body.payoutId, 'processing');
    s.fake.setStatus(own.body.payoutId, 'success');
    await s.until(own.body.payoutId, 'succeeded');
    expect(await balanceOf(s.t, 'imp-paid')).toBe('200.00');

    expect(await tick(impededAt + DAY)).toEqual({ closed: 0, returned: 0, unclaimed: 0 }); // still in the window
    expect((await protectionOf('imp-paid')).status).toBe('impeded');

    expect(await tick(impededAt + 2 * DAY + 60_000)).toEqual({ closed: 1, returned: 0, unclaimed: 0 });
    const closed = await protectionOf('imp-paid');
    expect(closed).toMatchObject({ status: 'closed', impediment: { deadlines: { notice: true, closed: true, returned: null } } });
    const returnId = closed.impediment.returnPayoutId;
    const payout = (await s.t.operator('get', `/payouts/${returnId}`).expect(200)).body;
    expect(payout).toMatchObject({ transactionId: `impediment:${impediment.impedimentId}:return`, amount: '200.00', pixKey: PLAYER_CPF, pixKeyType: 'cpf' });
    await s.until(returnId, 'processing');
    s.fake.setStatus(returnId, 'success');
    await s.until(returnId, 'succeeded');

    expect(await tick(impededAt + 2 * DAY + 3_600_000)).toEqual({ closed: 0, returned: 1, unclaimed: 0 });
    const done = await protectionOf('imp-paid');
    expect(done.impediment).toMatchObject({ returnedAt: expect.any(String), unclaimed: null, deadlines: { notice: true, closed: true, returned: true } });
    expect(await balanceOf(s.t, 'imp-paid')).toBe('0.00');
    const listed = (await s.t.operator('get', '/impediments').expect(200)).body.impediments;
    expect(listed).toContainEqual(expect.objectContaining({ playerId: 'imp-paid', returnPayoutId: returnId }));
  });

  it('a balance that cannot be paid back waits in the unclaimed account, with its 180-day clock', async () => {
    const impediment = await barredPlayer('imp-unpaid', cpfFor(900), '80.00');
    const impededAt = Date.parse(impediment.impededAt);
    s.fake.failNextCreate('reject');
    await tick(impededAt + 2 * DAY + 60_000);
    const returnId = (await protectionOf('imp-unpaid')).impediment.returnPayoutId;
    await s.until(returnId, 'failed');
    const at = impededAt + 2 * DAY + 120_000;
    expect(await tick(at)).toEqual({ closed: 0, returned: 0, unclaimed: 1 });
    const { impediment: parked } = await protectionOf('imp-unpaid');
    expect(parked.unclaimed).toEqual({ amount: '80.00', currency: 'BRL', at: new Date(at).toISOString(), until: new Date(at + 180 * DAY).toISOString(),
      reason: `the return payout ${returnId} ended failed` });
    expect(await balanceOf(s.t, 'imp-unpaid')).toBe('0.00');
    const unclaimed = await s.t.db('accounts').where({ kind: 'unclaimed', currency: 'BRL' }).first();
    expect(BigInt(unclaimed.balance)).toBeGreaterThanOrEqual(8000n);
  });

  it('the ledger check proves the unclaimed account holds exactly what waits there', async () => {
    expect((await s.t.ledger()).problems).toEqual([]);
    await s.t.db('impediments').whereNotNull('unclaimed_at').update({ unclaimed_amount: s.t.db.raw('unclaimed_amount + 1') });
    try {
      expect((await s.t.ledger()).problems).toEqual([{ check: 'unclaimed_funds', detail: { currency: 'BRL', held: '8000', parked: '8001' } }]);
    } finally {
      await s.t.db('impediments').whereNotNull('unclaimed_at').update({ unclaimed_amount: s.t.db.raw('unclaimed_amount - 1') });
    }
  });
});
