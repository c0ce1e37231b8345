import { PayoutProviderName, ProviderSettings } from '../../src/config';
import { createLogger } from '../../src/log';
import { payoutJobs } from '../../src/payouts';
import { depositJobs } from '../../src/deposits';
import { startWorker, Worker } from '../../src/jobs';
import { expectSoundLedger, givenPlayer, startTestApp, TestApp } from './app';
import { FakeHashlee } from './fakes/hashlee';
import { FakeServer } from './fakes/server';
import { PUBLIC_URL } from './wallet';
import { eventually } from './eventually';

export const PLAYER_CPF = '43278243803';

export interface PayoutSuite<F> {
  t: TestApp;
  fake: F;
  /** A funded BRL player (1000.00) with a payout of `amount` to its own CPF key, answered 202. */
  payoutFor(amount?: string): Promise<{ playerId: string; id: string }>;
  statusOf(id: string): Promise<string>;
  /** Waits until the worker has brought the payout to `status`. */
  until(id: string, status: string): Promise<void>;
  /**
   * A payout whose create answer is lost (the order is created, the answer times out) and whose lookups never show
   * the order (they lag an hour behind), followed until it is in review; the lag is lifted before it returns.
   */
  inReviewAfterLostAnswer(): Promise<{ playerId: string; id: string }>;
  webhookUrl(): string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
}

/**
 * A test file's app, fake provider and its worker (payouts and deposits) (started in beforeAll, with the polling schedule shrunk a
 * thousandfold), and a sound ledger proven before they are closed.
 */
export function payoutSuite<F extends FakeServer>(
  provider: PayoutProviderName,
  makeFake: () => F,
  settings: (fake: F) => ProviderSettings,
  options: {
    /** Runs for each new player before its payout (Hashlee: register the player's account). */
    preparePlayer?: (suite: PayoutSuite<F>, playerId: string) => Promise<void>;
    /** More options of the app, read when it starts (a game launcher's settings, say). */
    app?: () => Partial<Parameters<typeof startTestApp>[0]>;
  } = {},
): PayoutSuite<F> {
  const preparePlayer = options.preparePlayer ?? (async () => undefined);
  let worker: Worker | undefined;
  let n = 0;
  const suite = {
    async payoutFor(amount = '100.00') {
      const k = ++n; // payouts may be requested concurrently
      const playerId = `${provider}-${k}`;
      await givenPlayer(suite.t, playerId, { currency: 'BRL', balance: '1000.00', documentNumber: PLAYER_CPF });
      await preparePlayer(suite, playerId);
      const res = await suite.t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey: PLAYER_CPF, transactionId: `${provider}-po-${k}` });
      expect(res.status).toBe(202);
      return { playerId, id: res.body.payoutId as string };
    },
    async statusOf(id: string) {
      return (await suite.t.db('payouts').where({ id }).first('status')).status as string;
    },
    async until(id: string, status: string) {
      await eventually(`payout ${id}'s status, waiting for ${status}`, () => suite.statusOf(id), (now) => now === status);
    },
    async inReviewAfterLostAnswer() {
      suite.fake.lookupLagMs = 3_600_000;
      suite.fake.failNextCreate('timeout-after-create');
      try {
        const payout = await suite.payoutFor();
        await suite.until(payout.id, 'review');
        return payout;
      } finally {
        suite.fake.lookupLagMs = 0;
      }
    },
    webhookUrl: () => `http://127.0.0.1:${(suite.t.server.address() as { port: number }).port}/webhooks/payouts/${provider}`,
    async startWorker() {
      worker = await startWorker({ databaseUrl: suite.t.url, jobs: [payoutJobs(suite.t.app.locals.payoutEngine), depositJobs(suite.t.app.locals.depositEngine)], logger: createLogger('error'), pollIntervalMs: 50 });
    },
    async stopWorker() {
      await worker?.stop();
      worker = undefined;
    },
  } as PayoutSuite<F>;

  beforeAll(async () => {
    suite.fake = await makeFake().start();
    suite.t = await startTestApp({
      ...options.app?.(),
      walletPublicUrl: PUBLIC_URL,
      payouts: {
        providers: { [provider]: settings(suite.fake) },
        defaultProvider: provider,
        minAmount: '1.00',
        maxAmount: '5000.00',
        httpTimeoutMs: 400,
        pollTimeScale: 0.001, // 30 s → 30 ms, 5 min → 300 ms
      },
    });
    await suite.startWorker();
  });
  afterAll(async () => {
    await suite.stopWorker();
    await expectSoundLedger(suite.t);
    await suite.t.close();
    await suite.fake.stop();
  });
  return suite;
}

/**
 * Hashlee's suite: each new player's own account is registered in Hashlee's back office and then with us, as an
 * operator would, under the id `hashleeAccountOf(playerId)`.
 */
export const hashleeAccountOf = (playerId: string) => `acct-${playerId}`;

export function hashleePayoutSuite(): PayoutSuite<FakeHashlee> {
  return payoutSuite('hashlee', () => new FakeHashlee(), (fake) => fake.settings(), { preparePlayer: async (suite, playerId) => {
    suite.fake.registerAccount(hashleeAccountOf(playerId), PLAYER_CPF);
    const res = await suite.t.operator('post', `/players/${playerId}/payout-accounts`, { provider: 'hashlee', accountId: hashleeAccountOf(playerId), holderDocument: PLAYER_CPF });
    if (res.status !== 201) throw new Error(`payout account: ${res.status} ${JSON.stringify(res.body)}`);
  } });
}
