import { FakeOrkestra } from '../support/fakes/orkestra';
import { balanceOf, expectSoundLedger } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { depositHelpers } from '../support/deposits';

/** Orkestra's Orders API for PIX pay-in, against its fake: the order refuses third-party payers itself. */
const s = payoutSuite('orkestra', () => new FakeOrkestra(), (fake) => fake.settings());
const { charge, webhookUrl, statusOf, until } = depositHelpers(s, 'ork-dep');

describe('Orkestra deposits, end to end', () => {
  it('makes an order that refuses third-party payers and a changed amount, with our id as merchantOrderId', async () => {
    const { res, id } = await charge('120.00');
    expect(res.status).toBe(201);
    const order = s.fake.orderOf(id);
    expect(s.fake.orderCalls.at(-1)).toMatchObject({
      merchantOrderId: id, amount: 120, currency: 'BRL', allowsThirdPartyPayments: false,
      charges: [{ customer: { documentType: 'CPF', document: PLAYER_CPF }, transactions: [{ paymentMethod: 'PIX', pix: { allowsAmountChange: false } }] }],
    });
    expect(res.body).toMatchObject({ status: 'pending', providerReference: String(order.id), qrCode: order.charges[0].transactions[0].pix.qrCode });
  });

  it('credits a PAID order once its callback (Basic credential, referenceId our id) is confirmed by the lookup', async () => {
    const { playerId, id } = await charge('60.00');
    await s.stopWorker();
    try {
      const order = s.fake.setOrder(id, 'PAID');
      expect(await s.fake.notifyOrder(webhookUrl(), order, 'ork-hook:wrong')).toBe(401);
      expect(await statusOf(id)).toBe('pending');
      expect(await s.fake.notifyOrder(webhookUrl(), order)).toBe(200);
      expect(await statusOf(id)).toBe('credited');
    } finally {
      await s.startWorker();
    }
    const { body } = await s.t.operator('get', `/deposits/${id}`);
    expect(body.payerShownBy).toBe('provider_refuses_third_parties');
    expect(await balanceOf(s.t, playerId)).toBe('60.00');
    await expectSoundLedger(s.t);
  });

  it('holds an order paid with another amount, whichever of its two amount fields says so', async () => {
    const { id } = await charge('50.00');
    s.fake.setOrder(id, 'PAID', 55);
    await until(id, 'held');
    expect((await s.t.operator('get', `/deposits/${id}`)).body.heldReason).toBe('55.00 was paid where 50.00 was asked');
  });

  it('holds a paid order that says it allowed third-party payers', async () => {
    const { id } = await charge('33.00');
    const order = s.fake.setOrder(id, 'PAID');
    order.allowsThirdPartyPayments = true;
    await until(id, 'held');
    expect((await s.t.operator('get', `/deposits/${id}`)).body.heldReason).toMatch(/third-party/);
  });

  it('ends a CANCELLED order as expired and a FAILED one as failed, moving nothing', async () => {
    const cancelled = await charge('10.00');
    const failed = await charge('11.00');
    s.fake.setOrder(cancelled.id, 'CANCELLED');
    s.fake.setOrder(failed.id, 'FAILED');
    await until(cancelled.id, 'expired');
    await until(failed.id, 'failed');
  });

  it('a create answered 500 after the order was made: the retry finds it by merchantOrderId, one order', async () => {
    s.fake.failNextCreate('500-after-create');
    const first = await charge('44.00');
    expect(first.res.status).toBe(502);
    const retry = await s.t.operator('post', `/players/${first.playerId}/deposits`, { amount: '44.00', transactionId: first.transactionId });
    expect(retry.status).toBe(201);
    expect(s.fake.orderCalls.filter((c) => c.merchantOrderId === retry.body.depositId)).toHaveLength(1);
    expect(retry.body.providerReference).toBe(String(s.fake.orderOf(retry.body.depositId).id));
  });
});
