import { FakeJumppag } from '../support/fakes/jumppag';
import { balanceOf } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';

const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings());

describe('Jumppag payouts, end to end', () => {
  it('is sent once with our id as transaction.id and the beneficiary CPF, then followed to succeeded and settled', async () => {
    const { playerId, id } = await s.payoutFor('100.50');
    await s.until(id, 'processing');
    const sent = s.fake.createCalls.find((c) => c.transactionId === id)!.body;
    expect(sent).toMatchObject({
      country: 'BRA',
      payment_method: 'pix',
      transfer: { value: PLAYER_CPF },
      customer: { document: { type: 'CPF', number: PLAYER_CPF } },
      transaction: { id, currency: 'BRL', amount: 100.5 },
    });
    s.fake.setStatus(id, 'success');
    await s.until(id, 'succeeded');
    expect(s.fake.createsOf(id)).toBe(1);
    expect(await balanceOf(s.t, playerId)).toBe('899.50');
    expect(await s.t.db('transfers').where({ reference: id, kind: 'payout_settle' })).toHaveLength(1);
    const { body } = await s.t.operator('get', `/payouts/${id}`);
    expect(body).toMatchObject({ status: 'succeeded', providerStatus: 'success', providerReference: s.fake.orderOf(id)!.id });
    expect(body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'processing', 'succeeded']);
  });

  it.each(['timeout-after-create', '500-after-create', 'garbage-after-create'] as const)(
    'a send answered by %s is found by our id and never sent again',
    async (fault) => {
      s.fake.failNextCreate(fault);
      const { id } = await s.payoutFor();
      await s.until(id, 'processing');
      expect(s.fake.createsOf(id)).toBe(1);
      const { body } = await s.t.operator('get', `/payouts/${id}`);
      expect(body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'unknown', 'processing']);
    },
  );

  it.each(['500-before-create', 'reset-before-create', 'timeout-before-create'] as const)(
    'after %s the payout is never sent again on its own (Jumppag documents no duplicate refusal): looked up, then review',
    async (fault) => {
      s.fake.failNextCreate(fault);
      const { id } = await s.payoutFor();
      await s.until(id, 'review');
      expect(s.fake.createsOf(id)).toBe(1);
      await s.t.operator('post', `/payouts/${id}/review`, { decision: 'resend', note: 'Jumppag support: no such payout' }).expect(200);
      await s.until(id, 'processing');
      expect(s.fake.createsOf(id)).toBe(2);
      expect([...s.fake.orders.values()].filter((o) => o.transaction_id === id)).toHaveLength(1);
    },
  );

  it('a rejected order fails and the reserve goes back to the player', async () => {
    s.fake.failNextCreate('reject');
    const { playerId, id } = await s.payoutFor();
    await s.until(id, 'failed');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
  });

  it('a signed webhook triggers a status check; the payout moves only on what the check finds', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    const order = s.fake.setStatus(id, 'onhold');
    expect(await s.fake.notify(s.webhookUrl(), [order])).toBe(200);
    await s.until(id, 'on_hold');
  });

  it('a webhook with a bad signature, or an old one replayed, is refused with 401 and changes nothing', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    const order = { ...s.fake.orderOf(id)!, status: 'success' };
    const url = s.webhookUrl();
    expect(await s.fake.notify(url, [order], { secret: 'wrong-secret' })).toBe(401);
    expect(await s.fake.notify(url, [order], { timestamp: Date.now() - 10 * 60 * 1000 })).toBe(401);
    expect((await s.t.http.post('/webhooks/payouts/jumppag').send({ data: [] })).status).toBe(401);
    expect((await s.t.http.post('/webhooks/payouts/orkestra').send({})).status).toBe(401);
    expect(await s.statusOf(id)).toBe('processing');
  });

  it('a payout that succeeds and is later returned by the bank is credited back', async () => {
    const { playerId, id } = await s.payoutFor('10.00');
    await s.until(id, 'processing');
    s.fake.setStatus(id, 'success');
    await s.until(id, 'succeeded');
    const order = s.fake.setStatus(id, 'returned');
    expect(await s.fake.notify(s.webhookUrl(), [order])).toBe(200);
    await s.until(id, 'reversed');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
  });

  it('webhooks repeated and racing the poll settle a success once', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    const order = s.fake.setStatus(id, 'success');
    const url = s.webhookUrl();
    await Promise.all(Array.from({ length: 5 }, () => s.fake.notify(url, [order])));
    await s.until(id, 'succeeded');
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.t.db('transfers').where({ reference: id, kind: 'payout_settle' })).toHaveLength(1);
  });

  it('the OAuth token is reused across calls and fetched again after a 401', async () => {
    const before = s.fake.tokensIssued;
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    expect(s.fake.tokensIssued).toBe(before);
    s.fake.revokeTokens();
    s.fake.setStatus(id, 'failed');
    await s.until(id, 'failed');
    expect(s.fake.tokensIssued).toBe(before + 1);
  });

  it('a crash between reserve and send loses nothing: the queued send runs when a worker comes back', async () => {
    await s.stopWorker();
    const { id } = await s.payoutFor();
    await new Promise((r) => setTimeout(r, 200));
    expect(await s.statusOf(id)).toBe('requested');
    expect(s.fake.createsOf(id)).toBe(0);
    await s.startWorker();
    await s.until(id, 'processing');
    expect(s.fake.createsOf(id)).toBe(1);
  });
});

