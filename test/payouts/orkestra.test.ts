import { FakeOrkestra } from '../support/fakes/orkestra';
import { balanceOf } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';

const s = payoutSuite('orkestra', () => new FakeOrkestra(), (fake) => fake.settings());

describe('Orkestra payouts', () => {
  it('are sent with our id as externalIdentifier and the CPF as customer and PIX key, and followed to COMPLETED', async () => {
    const { playerId, id } = await s.payoutFor('20.00');
    await s.until(id, 'processing');
    expect(s.fake.byOurId(id)).toMatchObject({ amount: 20, currency: 'BRL', paymentMethod: 'PIX', customer: { documentNumber: PLAYER_CPF }, bankAccount: { key: PLAYER_CPF } });
    s.fake.byOurId(id)!.status = 'COMPLETED';
    await s.until(id, 'succeeded');
    expect(await balanceOf(s.t, playerId)).toBe('980.00');
  });

  it('a 500 after the withdrawal was created is resolved by looking it up under externalIdentifier', async () => {
    s.fake.failNextCreate('500-after-create');
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('a callback with the Basic credential triggers a check; a wrong credential is a 401', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    const w = s.fake.byOurId(id)!;
    w.status = 'FAILED';
    expect(await s.fake.notify(s.webhookUrl(), w, 'ork-hook:wrong')).toBe(401);
    expect(await s.fake.notify(s.webhookUrl(), w)).toBe(200);
    await s.until(id, 'failed');
  });
});
