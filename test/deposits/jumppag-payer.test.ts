import { FakeJumppag } from '../support/fakes/jumppag';
import { balanceOf, givenPlayer } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { eventually } from '../support/eventually';

/** Jumppag returns no payer data: without JUMPPAG_PAYIN_PAYER_GUARANTEED, nothing shows that the player paid. */
const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings());

describe('Jumppag deposits without the operator’s payer guarantee', () => {
  it('holds a paid charge instead of leaving it paid or crediting it, and says why', async () => {
    const playerId = await givenPlayer(s.t, 'jp-unguaranteed', { currency: 'BRL', documentNumber: PLAYER_CPF });
    const { body } = await s.t.operator('post', `/players/${playerId}/deposits`, { amount: '60.00', transactionId: 'jp-unguaranteed-1' }).expect(201);
    s.fake.setPayment(body.depositId, 'paid');
    await eventually(`deposit ${body.depositId}'s status, waiting for held`,
      async () => (await s.t.db('deposits').where({ id: body.depositId }).first('status')).status, (status) => status === 'held');
    const { body: held } = await s.t.operator('get', `/deposits/${body.depositId}`);
    expect(held.status).toBe('held');
    expect(held.heldReason).toMatch(/returns no payer data/);
    expect(held.payerShownBy).toBeNull();
    expect(await balanceOf(s.t, playerId)).toBe('0.00');
  });
});
