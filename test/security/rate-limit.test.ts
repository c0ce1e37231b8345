import { givenPlayer, startTestApp, TestApp } from '../support/app';
import { asStaff, staffAccount } from '../support/staff';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ moneyRateLimit: 3 });
  await givenPlayer(t, 'limited-money', { currency: 'EUR' });
});
afterAll(() => t.close());

describe('money routes, per person', () => {
  it('past MONEY_RATE_LIMIT a minute one person gets 429 RATE_LIMITED and nothing moves, while another person still may', async () => {
    const [ana, bia] = [await staffAccount(t, 'finance'), await staffAccount(t, 'finance')];
    const topUp = (token: string, n: number) => asStaff(t, token, 'post', '/players/limited-money/topups', { amount: '1.00', transactionId: `rl-${token.slice(-6)}-${n}` });
    for (let n = 0; n < 3; n++) await topUp(ana.token, n).expect(200);
    const limited = await topUp(ana.token, 3);
    expect({ status: limited.status, code: limited.body.error.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect((await asStaff(t, ana.token, 'post', '/players/limited-money/adjustments', { amount: '1.00', reason: 'x', transactionId: 'rl-adj' })).status).toBe(429);
    await topUp(bia.token, 0).expect(200);
    expect((await t.operator('get', '/players/limited-money')).body.balance).toBe('4.00');
    await asStaff(t, ana.token, 'get', '/players/limited-money').expect(200); // reading is not limited
  });
});
