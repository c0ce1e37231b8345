import { PayoutWorker, startPayoutWorker } from '../../src/payouts';
import { createLogger } from '../../src/log';
import { FakePaystar } from '../support/fakes/paystar';
import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';

const CPF = '43278243803';

describe.each(['direct', 'butler'] as const)('PayStar payouts (%s)', (mode) => {
  let t: TestApp;
  let paystar: FakePaystar;
  let worker: PayoutWorker;
  let n = 0;

  beforeAll(async () => {
    paystar = await new FakePaystar().start();
    t = await startTestApp({
      payouts: { providers: { paystar: paystar.settings(mode) }, defaultProvider: 'paystar', minAmount: '1.00', maxAmount: '5000.00', httpTimeoutMs: 400, pollTimeScale: 0.001 },
    });
    worker = await startPayoutWorker({ databaseUrl: t.url, engine: t.app.locals.payoutEngine, logger: createLogger('error'), pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await worker.stop();
    await expectSoundLedger(t);
    await t.close();
    await paystar.stop();
  });

  async function payoutFor(amount = '100.00') {
    const playerId = `ps-${mode}-${++n}`;
    await givenPlayer(t, playerId, { currency: 'BRL', balance: '1000.00', documentNumber: CPF });
    const res = await t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey: CPF, transactionId: `ps-${mode}-po-${n}` });
    expect(res.status).toBe(202);
    return { playerId, id: res.body.payoutId as string };
  }
  const statusOf = async (id: string) => (await t.db('payouts').where({ id }).first('status')).status;
  async function until(id: string, status: string) {
    for (const end = Date.now() + 8000; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
      if ((await statusOf(id)) === status) return;
    }
    throw new Error(`payout ${id} is ${await statusOf(id)}, not ${status}`);
  }
  const webhookUrl = () => `http://127.0.0.1:${(t.server.address() as { port: number }).port}/webhooks/payouts/paystar`;

  it('is sent with a JWT, our id and the PIX fields under their configured names, and followed to Success', async () => {
    const { playerId, id } = await payoutFor('100.00');
    await until(id, 'submitted');
    const order = paystar.orderOf(id)!;
    expect(order.fields).toEqual(expect.arrayContaining([{ key: 'pix_key', value: CPF }, { key: 'cpf', value: CPF }]));
    paystar.setStatus(id, 'Processing');
    await until(id, 'processing');
    paystar.setStatus(id, 'Success');
    await until(id, 'succeeded');
    expect(paystar.createsOf(id)).toBe(1);
    expect(await balanceOf(t, playerId)).toBe('900.00');
  });

  it('a timeout after the order was created is resolved by a lookup, never a second order', async () => {
    paystar.failNextCreate('timeout-after-create');
    const { id } = await payoutFor();
    await until(id, 'submitted');
    expect(paystar.createsOf(id)).toBe(1);
  });

  it('Failed is final and returns the reserve', async () => {
    const { playerId, id } = await payoutFor();
    await until(id, 'submitted');
    paystar.setStatus(id, 'Failed');
    await until(id, 'failed');
    expect(await balanceOf(t, playerId)).toBe('1000.00');
  });

  it('a callback signed over the amount as written triggers a check; a wrong signature gets 401', async () => {
    const { id } = await payoutFor('100.00');
    await until(id, 'submitted');
    const order = paystar.setStatus(id, 'Successful');
    expect(await paystar.notify(webhookUrl(), order, { privateKey: 'not-the-key' })).toBe(401);
    expect(await statusOf(id)).toBe('submitted');
    // the hash covers the amount as written in the body: 100.00 and "100" each verify when signed that way
    expect(await paystar.notify(webhookUrl(), order, { amountText: '100.00' })).toBe(200);
    expect(await paystar.notify(webhookUrl(), order, { amountText: '"100"' })).toBe(200);
    await until(id, 'succeeded');
  });
});
