import { PayoutWorker, startPayoutWorker } from '../../src/payouts';
import { createLogger } from '../../src/log';
import { FakeOrkestra } from '../support/fakes/orkestra';
import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';

const CPF = '43278243803';
let t: TestApp;
let orkestra: FakeOrkestra;
let worker: PayoutWorker;
let n = 0;

beforeAll(async () => {
  orkestra = await new FakeOrkestra().start();
  t = await startTestApp({
    payouts: { providers: { orkestra: orkestra.settings() }, defaultProvider: 'orkestra', minAmount: '1.00', maxAmount: '5000.00', httpTimeoutMs: 400, pollTimeScale: 0.001 },
  });
  worker = await startPayoutWorker({ databaseUrl: t.url, engine: t.app.locals.payoutEngine, logger: createLogger('error'), pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker.stop();
  await expectSoundLedger(t);
  await t.close();
  await orkestra.stop();
});

async function payoutFor(amount = '20.00') {
  const playerId = `ok-${++n}`;
  await givenPlayer(t, playerId, { currency: 'BRL', balance: '1000.00', documentNumber: CPF });
  const res = await t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey: CPF, transactionId: `ok-po-${n}` });
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
const webhookUrl = () => `http://127.0.0.1:${(t.server.address() as { port: number }).port}/webhooks/payouts/orkestra`;

describe('Orkestra payouts', () => {
  it('are sent with our id as externalIdentifier and the CPF as customer and PIX key, and followed to COMPLETED', async () => {
    const { playerId, id } = await payoutFor('20.00');
    await until(id, 'processing');
    expect(orkestra.byOurId(id)).toMatchObject({ amount: 20, currency: 'BRL', paymentMethod: 'PIX', customer: { documentNumber: CPF }, bankAccount: { key: CPF } });
    orkestra.byOurId(id)!.status = 'COMPLETED';
    await until(id, 'succeeded');
    expect(await balanceOf(t, playerId)).toBe('980.00');
  });

  it('a 500 after the withdrawal was created is resolved by looking it up under externalIdentifier', async () => {
    orkestra.failNextCreate('500-after-create');
    const { id } = await payoutFor();
    await until(id, 'processing');
    expect(orkestra.createsOf(id)).toBe(1);
  });

  it('a callback with the Basic credential triggers a check; a wrong credential is a 401', async () => {
    const { id } = await payoutFor();
    await until(id, 'processing');
    const w = orkestra.byOurId(id)!;
    w.status = 'FAILED';
    expect(await orkestra.notify(webhookUrl(), w, 'ork-hook:wrong')).toBe(401);
    expect(await orkestra.notify(webhookUrl(), w)).toBe(200);
    await until(id, 'failed');
  });
});
