import { FakeHashlee } from '../support/fakes/hashlee';
import { FakeSigap } from '../support/fakes/sigap';
import { payoutSuite } from '../support/payouts';
import { aDayPasses, brazil, cpfFor, givenBrazilianPlay } from '../support/protection';

const sigap = new FakeSigap();
beforeAll(() => sigap.start()); // before the suite's app, which needs its URL
afterAll(() => sigap.stop());
const s = payoutSuite('hashlee', () => new FakeHashlee(), (fake) => fake.settings(), { app: () => ({ protection: brazil(sigap) }) });

describe('the balance of a closed account, with a provider that pays registered accounts', () => {
  it("goes to the player's own registered account, not to a PIX key", async () => {
    const cpf = cpfFor(950);
    await givenBrazilianPlay(s.t, 'imp-hashlee', cpf, '60.00');
    s.fake.registerAccount('acct-imp-hashlee', cpf);
    const account = await s.t.operator('post', '/players/imp-hashlee/payout-accounts', { provider: 'hashlee', accountId: 'acct-imp-hashlee', holderDocument: cpf }).expect(201);
    sigap.bar(cpf);
    await aDayPasses(s.t, 'imp-hashlee');
    await s.t.operator('post', '/players/imp-hashlee/sessions', {}).expect(201);
    const { impediment } = (await s.t.operator('get', '/players/imp-hashlee/protection').expect(200)).body;
    await s.t.app.locals.protection.tick(new Date(Date.parse(impediment.withdrawUntil) + 60_000), 'test-clock');
    const { impediment: closed } = (await s.t.operator('get', '/players/imp-hashlee/protection').expect(200)).body;
    const payout = (await s.t.operator('get', `/payouts/${closed.returnPayoutId}`).expect(200)).body;
    expect(payout).toMatchObject({ provider: 'hashlee', amount: '60.00', payoutAccountId: account.body.payoutAccountId });
    await s.until(closed.returnPayoutId, 'submitted');
  });
});
