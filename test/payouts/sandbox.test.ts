import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';
import { createLogger } from '../../src/log';
import { payoutJobs } from '../../src/payouts';
import { startWorker, Worker } from '../../src/jobs';
import { PLAYER_CPF } from '../support/payouts';
import { eventually } from '../support/eventually';

// The sandbox's stories take seconds of its own clock; the engine polls them with the schedule shrunk a thousandfold.
let t: TestApp;
let worker: Worker;
beforeAll(async () => {
  t = await startTestApp({
    payouts: { providers: { sandbox: { baseUrl: 'sandbox:' } }, defaultProvider: 'sandbox', minAmount: '1.00', maxAmount: '5000.00', pollTimeScale: 0.001 },
  });
  worker = await startWorker({ databaseUrl: t.url, jobs: [payoutJobs(t.app.locals.payoutEngine)], logger: createLogger('error'), pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker.stop();
  await expectSoundLedger(t);
  await t.close();
});

let n = 0;
async function payout(amount: string) {
  const playerId = `sandbox-${++n}`;
  await givenPlayer(t, playerId, { currency: 'BRL', balance: '100.00', documentNumber: PLAYER_CPF });
  const res = await t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey: PLAYER_CPF, transactionId: `sbx-${n}` });
  expect(res.status).toBe(202);
  return { playerId, id: res.body.payoutId as string };
}

async function finalStatus(id: string, within = 15_000): Promise<string[]> {
  const body = await eventually(`payout ${id}, ending`, async () => (await t.operator('get', `/payouts/${id}`)).body,
    (now) => ['succeeded', 'failed'].includes(now.status), { within, every: 100 });
  return body.history.map((h: { to: string }) => h.to);
}

describe('the sandbox payout provider (PAYOUT_SANDBOX=1, development only)', () => {
  it('pays an amount whose cents are .00 to .89: submitted, processing, then succeeded and settled', async () => {
    const { playerId, id } = await payout('10.00');
    expect(await finalStatus(id)).toEqual(['requested', 'submitted', 'processing', 'succeeded']);
    expect(await balanceOf(t, playerId)).toBe('90.00');
  });

  it('refuses .90 to .94 after processing: failed, and the reserve goes back', async () => {
    const { playerId, id } = await payout('10.91');
    expect((await finalStatus(id)).slice(-1)).toEqual(['failed']);
    expect(await balanceOf(t, playerId)).toBe('100.00');
  });

  it('holds .95 to .99 for ten seconds of its clock, then pays', async () => {
    const { id } = await payout('10.95');
    expect(await finalStatus(id, 25_000)).toEqual(['requested', 'submitted', 'on_hold', 'succeeded']);
  }, 30_000);
});
