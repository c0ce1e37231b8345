import { createLogger } from '../../src/log';
import { depositJobs } from '../../src/deposits';
import { startWorker, Worker } from '../../src/jobs';
import { balanceOf } from '../support/app';
import { FakeSigap } from '../support/fakes/sigap';
import { brazil, cpfFor } from '../support/protection';
import { walletSuite } from '../support/wallet';
import { eventually } from '../support/eventually';

/** Deposits under JURISDICTION=BR: the SPA register must have cleared the player, before the charge and again at credit time. */
const sigap = new FakeSigap();
let worker: Worker | undefined;
beforeAll(() => sigap.start());
// registered before the suite's own, so the queue stops before the app's database goes (jest runs afterAll hooks in order)
afterAll(() => worker?.stop());
afterAll(() => sigap.stop());
const s = walletSuite(() => ({
  protection: brazil(sigap),
  payouts: { providers: { sandbox: { baseUrl: 'sandbox:' } }, defaultProvider: 'sandbox', minAmount: '1.00', maxAmount: '5000.00', pollTimeScale: 0.001 },
}));
beforeAll(async () => {
  worker = await startWorker({ databaseUrl: s.t.url, jobs: [depositJobs(s.t.app.locals.depositEngine)], logger: createLogger('error'), pollIntervalMs: 50 });
});
afterEach(() => {
  sigap.outage = undefined;
});

const deposit = (playerId: string, amount = '50.00') => s.t.operator('post', `/players/${playerId}/deposits`, { amount, transactionId: `br-dep-${playerId}-${amount}` });

describe('deposits under JURISDICTION=BR', () => {
  it('a player the register has not cleared (it was unreachable) makes no charge: 403 DEPOSIT_NOT_ALLOWED', async () => {
    sigap.outage = '503';
    await s.t.operator('post', '/players', { playerId: 'br-dep-unchecked', currency: 'BRL', documentNumber: cpfFor(9001) }).expect(201);
    const res = await deposit('br-dep-unchecked');
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 403, code: 'DEPOSIT_NOT_ALLOWED' });
    expect(res.body.error.message).toMatch(/SPA register has not cleared/);
    expect(await s.t.db('deposits').count('* as n').first()).toEqual({ n: '0' });
  });

  it('a cleared player deposits, and the money is credited', async () => {
    await s.t.operator('post', '/players', { playerId: 'br-dep-clear', currency: 'BRL', documentNumber: cpfFor(9002) }).expect(201);
    const { body } = await deposit('br-dep-clear').expect(201);
    await eventually('the cleared player\'s balance', () => balanceOf(s.t, 'br-dep-clear'), (balance) => balance === '50.00');
    expect((await s.t.operator('get', `/deposits/${body.depositId}`)).body.status).toBe('credited');
  });
});
