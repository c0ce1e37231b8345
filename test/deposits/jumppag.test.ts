import { FakeJumppag } from '../support/fakes/jumppag';
import { balanceOf, expectSoundLedger, givenPlayer } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { depositHelpers } from '../support/deposits';

/** Jumppag's pay-in against its fake. JUMPPAG_PAYIN_PAYER_GUARANTEED=1 here: the operator declared the payer guaranteed. */
const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => ({ ...fake.settings(), payinPayerGuaranteed: '1' }));

const { charge, webhookUrl: depositWebhook, statusOf, until } = depositHelpers(s, 'jp-dep');
let n = 0;

describe('Jumppag deposits, end to end', () => {
  it("makes the charge with our id as transaction.id and the player's CPF, and answers Jumppag's qr_code unchanged", async () => {
    const { res, id } = await charge('100.50');
    expect(res.status).toBe(201);
    const sent = s.fake.payinCalls.find((c) => c.transactionId === id)!.body;
    expect(sent).toMatchObject({ country: 'BRA', payment_method: 'pix', customer: { document: { type: 'CPF', number: PLAYER_CPF } }, transaction: { id, currency: 'BRL', amount: 100.5 } });
    const payment = s.fake.paymentOf(id);
    expect(res.body).toMatchObject({ status: 'pending', qrCode: payment.qr_code, copyPaste: payment.qr_code, providerReference: payment.id, expiresAt: new Date(payment.expires_in * 1000).toISOString() });
  });

  it('credits a paid charge once when its callback arrives ten times and races the poller', async () => {
    const { playerId, id } = await charge('100.00');
    const payment = s.fake.setPayment(id, 'paid');
    const answers = await Promise.all(Array.from({ length: 10 }, () => s.fake.notifyPayment(depositWebhook(), [payment])));
    expect(answers).toEqual(Array(10).fill(200));
    await until(id, 'credited');
    expect(await balanceOf(s.t, playerId)).toBe('100.00');
    expect(await s.t.db('transfers').where({ reference: id, kind: 'deposit_credit' })).toHaveLength(1);
    const { body } = await s.t.operator('get', `/deposits/${id}`);
    expect(body.payerShownBy).toBe('operator_guarantee');
    expect(body.history.filter((h: { to: string }) => h.to === 'credited')).toHaveLength(1);
    await expectSoundLedger(s.t);
  });

  it('refuses a forged, unsigned or stale callback, and one naming no charge of ours, with 401; nothing moves', async () => {
    const { playerId, id } = await charge('30.00');
    await s.stopWorker(); // no poller meanwhile: only a callback could move it
    const payment = s.fake.setPayment(id, 'paid');
    try {
      expect(await s.fake.notifyPayment(depositWebhook(), [payment], { secret: 'not-the-secret' })).toBe(401);
      const unsigned = await fetch(depositWebhook(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: [payment] }) });
      expect(unsigned.status).toBe(401);
      expect(await s.fake.notifyPayment(depositWebhook(), [{ ...payment, id: 'not-ours', transaction_id: 'not-ours' }])).toBe(401);
      expect(await statusOf(id)).toBe('pending');
      expect(await balanceOf(s.t, playerId)).toBe('0.00');
    } finally {
      await s.startWorker();
    }
    await until(id, 'credited'); // the poller finds the payment without any callback
  });

  it('holds a charge paid with another amount', async () => {
    const { playerId, id } = await charge('80.00');
    s.fake.setPayment(id, 'paid', '79.00');
    await until(id, 'held');
    const { body } = await s.t.operator('get', `/deposits/${id}`);
    expect(body).toMatchObject({ paidAmount: '79.00', heldReason: '79.00 was paid where 80.00 was asked' });
    expect(await balanceOf(s.t, playerId)).toBe('0.00');
    await expectSoundLedger(s.t);
  });

  it('ends a charge Jumppag reports expired, moving nothing', async () => {
    const { id } = await charge('15.00');
    s.fake.setPayment(id, 'expired');
    await until(id, 'expired');
  });

  it('a create whose answer is lost: 502, and the retry finds the charge Jumppag made (one charge per transactionId)', async () => {
    const playerId = await givenPlayer(s.t, `jp-dep-lost-${++n}`, { currency: 'BRL', documentNumber: PLAYER_CPF });
    s.fake.failNextCreate('timeout-after-create');
    const body = { amount: '45.00', transactionId: `jp-dep-lost-tx-${n}` };
    const first = await s.t.operator('post', `/players/${playerId}/deposits`, body);
    expect(first.status).toBe(502);
    expect(first.body.error.code).toBe('DEPOSIT_PROVIDER_UNAVAILABLE');
    const retry = await s.t.operator('post', `/players/${playerId}/deposits`, body);
    expect([200, 201]).toContain(retry.status);
    expect(s.fake.payinCalls.filter((c) => c.transactionId === retry.body.depositId)).toHaveLength(1);
    expect(retry.body.providerReference).toBe(s.fake.paymentOf(retry.body.depositId).id);
  });

  it('holds the money of a player impeded between the charge and the payment', async () => {
    const { playerId, id } = await charge('25.00');
    await s.t.owner('players').where({ external_id: playerId }).update({ status: 'impeded' });
    s.fake.setPayment(id, 'paid');
    await until(id, 'held');
    expect((await s.t.operator('get', `/deposits/${id}`)).body.heldReason).toMatch(/impeded/);
    expect(await balanceOf(s.t, playerId)).toBe('0.00');
  });
});

describe('GET /operator/reports/deposit-reconciliation', () => {
  it("matches our deposits against each charge at Jumppag, and names a charge paid there that our ledger does not hold", async () => {
    const from = new Date().toISOString();
    const credited = await charge('20.00');
    s.fake.setPayment(credited.id, 'paid');
    await until(credited.id, 'credited');
    await s.stopWorker(); // nothing credits the next one meanwhile
    try {
      const unseen = await charge('21.00');
      s.fake.setPayment(unseen.id, 'paid');
      const to = new Date(Date.now() + 1000).toISOString();
      const { body } = await s.t.operator('get', `/reports/deposit-reconciliation?provider=jumppag&from=${from}&to=${to}`).expect(200);
      expect(body).toMatchObject({ provider: 'jumppag', ours: 2, asked: 2, matched: 1 });
      expect(body.mismatches).toEqual([expect.objectContaining({ kind: 'paid_not_credited', depositId: unseen.id, ours: expect.objectContaining({ status: 'pending' }),
        theirs: { status: 'paid', providerStatus: 'paid', paidAmount: '21.00' } })]);
      expect((await s.t.operator('get', `/reports/deposit-reconciliation?provider=paystar&from=${from}&to=${to}`)).body.error.code).toBe('PROVIDER_HAS_NO_PAYIN');
    } finally {
      await s.startWorker();
    }
  });
});
