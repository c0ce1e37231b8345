import { PayoutWorker, startPayoutWorker } from '../../src/payouts';
import { createLogger } from '../../src/log';
import { FakeJumppag } from '../support/fakes/jumppag';
import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';

const CPF = '43278243803';
let t: TestApp;
let jumppag: FakeJumppag;
let worker: PayoutWorker | undefined;

async function runWorker() {
  worker = await startPayoutWorker({ databaseUrl: t.url, engine: t.app.locals.payoutEngine, logger: createLogger('error'), pollIntervalMs: 50 });
}

beforeAll(async () => {
  jumppag = await new FakeJumppag().start();
  t = await startTestApp({
    payouts: {
      providers: { jumppag: jumppag.settings() },
      defaultProvider: 'jumppag',
      minAmount: '1.00',
      maxAmount: '5000.00',
      httpTimeoutMs: 400,
      pollTimeScale: 0.001, // 30 s → 30 ms, 5 min → 300 ms
    },
  });
  await runWorker();
});
afterAll(async () => {
  await worker?.stop();
  await expectSoundLedger(t);
  await t.close();
  await jumppag.stop();
});

let n = 0;
async function payoutFor(amount = '100.50') {
  const playerId = `jp-${++n}`;
  await givenPlayer(t, playerId, { currency: 'BRL', balance: '1000.00', documentNumber: CPF });
  const res = await t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey: CPF, transactionId: `jp-po-${n}` });
  expect(res.status).toBe(202);
  return { playerId, id: res.body.payoutId as string };
}

async function statusOf(id: string): Promise<string> {
  return (await t.db('payouts').where({ id }).first('status')).status;
}

async function until(id: string, status: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await statusOf(id)) === status) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`payout ${id} is ${await statusOf(id)}, not ${status}`);
}

describe('Jumppag payouts, end to end', () => {
  it('is sent once with our id as transaction.id and the beneficiary CPF, then followed to succeeded and settled', async () => {
    const { playerId, id } = await payoutFor('100.50');
    await until(id, 'processing');
    const sent = jumppag.createCalls.find((c) => c.transactionId === id)!.body;
    expect(sent).toMatchObject({
      country: 'BRA',
      payment_method: 'pix',
      transfer: { value: CPF },
      customer: { document: { type: 'CPF', number: CPF } },
      transaction: { id, currency: 'BRL', amount: 100.5 },
    });
    jumppag.setStatus(id, 'success');
    await until(id, 'succeeded');
    expect(jumppag.createsOf(id)).toBe(1);
    expect(await balanceOf(t, playerId)).toBe('899.50');
    expect(await t.db('transfers').where({ reference: id, kind: 'payout_settle' })).toHaveLength(1);
    const { body } = await t.operator('get', `/payouts/${id}`);
    expect(body).toMatchObject({ status: 'succeeded', providerStatus: 'success', providerReference: jumppag.orderOf(id)!.id });
    expect(body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'processing', 'succeeded']);
  });

  it.each(['timeout-after-create', '500-after-create', 'garbage-after-create'] as const)(
    'a send answered by %s is found by our id and never sent again',
    async (fault) => {
      jumppag.failNextCreate(fault);
      const { id } = await payoutFor();
      await until(id, 'processing');
      expect(jumppag.createsOf(id)).toBe(1);
      const { body } = await t.operator('get', `/payouts/${id}`);
      expect(body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'unknown', 'processing']);
    },
  );

  it.each(['500-before-create', 'reset-before-create', 'timeout-before-create'] as const)(
    'after %s the payout is sent again, under the same id, only once the provider confirms it has no such order',
    async (fault) => {
      jumppag.failNextCreate(fault);
      const { id } = await payoutFor();
      await until(id, 'processing');
      expect(jumppag.createsOf(id)).toBe(2);
      expect([...jumppag.orders.values()].filter((o) => o.transaction_id === id)).toHaveLength(1);
    },
  );

  it('a rejected order fails and the reserve goes back to the player', async () => {
    jumppag.failNextCreate('reject');
    const { playerId, id } = await payoutFor();
    await until(id, 'failed');
    expect(await balanceOf(t, playerId)).toBe('1000.00');
  });

  it('a signed webhook triggers a status check; the payout moves only on what the check finds', async () => {
    const { id } = await payoutFor();
    await until(id, 'processing');
    const order = jumppag.setStatus(id, 'onhold');
    expect(await jumppag.notify(`${await baseUrl()}/webhooks/payouts/jumppag`, [order])).toBe(200);
    await until(id, 'on_hold');
  });

  it('a webhook with a bad signature, or an old one replayed, is refused with 401 and changes nothing', async () => {
    const { id } = await payoutFor();
    await until(id, 'processing');
    const order = { ...jumppag.orderOf(id)!, status: 'success' };
    const url = `${await baseUrl()}/webhooks/payouts/jumppag`;
    expect(await jumppag.notify(url, [order], { secret: 'wrong-secret' })).toBe(401);
    expect(await jumppag.notify(url, [order], { timestamp: Date.now() - 10 * 60 * 1000 })).toBe(401);
    expect((await t.http.post('/webhooks/payouts/jumppag').send({ data: [] })).status).toBe(401);
    expect((await t.http.post('/webhooks/payouts/orkestra').send({})).status).toBe(401);
    expect(await statusOf(id)).toBe('processing');
  });

  it('a payout that succeeds and is later returned by the bank is credited back', async () => {
    const { playerId, id } = await payoutFor('10.00');
    await until(id, 'processing');
    jumppag.setStatus(id, 'success');
    await until(id, 'succeeded');
    const order = jumppag.setStatus(id, 'returned');
    expect(await jumppag.notify(`${await baseUrl()}/webhooks/payouts/jumppag`, [order])).toBe(200);
    await until(id, 'reversed');
    expect(await balanceOf(t, playerId)).toBe('1000.00');
  });

  it('webhooks repeated and racing the poll settle a success once', async () => {
    const { id } = await payoutFor();
    await until(id, 'processing');
    const order = jumppag.setStatus(id, 'success');
    const url = `${await baseUrl()}/webhooks/payouts/jumppag`;
    await Promise.all(Array.from({ length: 5 }, () => jumppag.notify(url, [order])));
    await until(id, 'succeeded');
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.db('transfers').where({ reference: id, kind: 'payout_settle' })).toHaveLength(1);
  });

  it('the OAuth token is reused across calls and fetched again after a 401', async () => {
    const before = jumppag.tokensIssued;
    const { id } = await payoutFor();
    await until(id, 'processing');
    expect(jumppag.tokensIssued).toBe(before);
    jumppag.revokeTokens();
    jumppag.setStatus(id, 'failed');
    await until(id, 'failed');
    expect(jumppag.tokensIssued).toBe(before + 1);
  });

  it('a crash between reserve and send loses nothing: the queued send runs when a worker comes back', async () => {
    await worker!.stop();
    worker = undefined;
    const { id } = await payoutFor();
    await new Promise((r) => setTimeout(r, 200));
    expect(await statusOf(id)).toBe('requested');
    expect(jumppag.createsOf(id)).toBe(0);
    await runWorker();
    await until(id, 'processing');
    expect(jumppag.createsOf(id)).toBe(1);
  });
});

async function baseUrl(): Promise<string> {
  const { port } = t.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}
