import { PayoutWorker, startPayoutWorker } from '../../src/payouts';
import { createLogger } from '../../src/log';
import { FakeHashlee } from '../support/fakes/hashlee';
import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';

const CPF = '43278243803';
let t: TestApp;
let hashlee: FakeHashlee;
let worker: PayoutWorker;
let n = 0;

beforeAll(async () => {
  hashlee = await new FakeHashlee().start();
  t = await startTestApp({
    payouts: { providers: { hashlee: hashlee.settings() }, defaultProvider: 'hashlee', minAmount: '1.00', maxAmount: '5000.00', httpTimeoutMs: 400, pollTimeScale: 0.001 },
  });
  worker = await startPayoutWorker({ databaseUrl: t.url, engine: t.app.locals.payoutEngine, logger: createLogger('error'), pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker.stop();
  await expectSoundLedger(t);
  await t.close();
  await hashlee.stop();
});

async function payoutFor(amount = '100.00') {
  const playerId = `hl-${++n}`;
  await givenPlayer(t, playerId, { currency: 'BRL', balance: '1000.00', documentNumber: CPF });
  const res = await t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey: CPF, transactionId: `hl-po-${n}` });
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

describe('Hashlee payouts', () => {
  it('are created with the net amount and our id in description, and polled to FINISHED', async () => {
    const { playerId, id } = await payoutFor('100.00');
    await until(id, 'submitted');
    expect(hashlee.createCalls.find((c) => c.description === id)).toMatchObject({ currency: 'BRL', net_amount: '100.00', gateway_unit_account_id: hashlee.accountId });
    hashlee.setStatus(id, 'EXPORTED');
    await until(id, 'processing');
    hashlee.setStatus(id, 'FINISHED');
    await until(id, 'succeeded');
    expect(await balanceOf(t, playerId)).toBe('900.00');
  });

  it('with no idempotency key, a timed-out create is found by listing on description, never created twice', async () => {
    hashlee.failNextCreate('timeout-after-create');
    const { id } = await payoutFor();
    await until(id, 'submitted');
    expect(hashlee.createsOf(id)).toBe(1);
  });

  it('a rate-limited status check ("wait 5 minutes") is simply asked again later', async () => {
    const { id } = await payoutFor();
    await until(id, 'submitted');
    hashlee.rateLimitNext(3);
    hashlee.setStatus(id, 'FINISHED');
    await until(id, 'succeeded');
  });

  it('the operator can cancel while Hashlee still has it OPEN; the reserve goes back', async () => {
    const { playerId, id } = await payoutFor();
    await until(id, 'submitted');
    const res = await t.operator('post', `/payouts/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(hashlee.byOurId(id)!.status).toBe('CANCELED');
    expect(await balanceOf(t, playerId)).toBe('1000.00');
  });

  it('once Hashlee has moved it past OPEN, cancelling is refused with 409', async () => {
    const { id } = await payoutFor();
    await until(id, 'submitted');
    hashlee.setStatus(id, 'PENDING');
    await until(id, 'processing');
    const res = await t.operator('post', `/payouts/${id}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYOUT_NOT_CANCELLABLE');
  });

  it('any callback claiming to be from Hashlee is refused: it sends none', async () => {
    expect((await t.http.post('/webhooks/payouts/hashlee').send({ hash: 'x', status: 'FINISHED' })).status).toBe(401);
  });
});
