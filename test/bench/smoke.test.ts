import { BENCH_CLIENT, BENCH_HUB88, minimalBetLimit, movementCounts, routineLimit, seed, seedMinimalBet } from '../../bench/database';
import { drive } from '../../bench/load';
import { ScenarioName } from '../../bench/scenarios';
import { Recorder } from '../../bench/stats';
import { expectSoundLedger, startTestApp, TestApp } from '../support/app';

// Not a timing test: it keeps the benchmark's code working by running every scenario for a moment.
let t: TestApp;
let clientId: number;
const PLAYERS = 50;
beforeAll(async () => {
  t = await startTestApp();
  clientId = await seed(t.db, PLAYERS);
  await seedMinimalBet(t.owner, PLAYERS);
});
afterAll(() => t.close());

describe('npm run bench (smoke)', () => {
  it('every scenario runs without errors from two load processes\' shares, and each accepted call made exactly one movement', async () => {
    const { port } = t.server.address() as { port: number };
    let withdraws = 0;
    let successes = 0;
    const scenarios: ScenarioName[] = ['withdraw', 'hub88-withdraw', 'deposit', 'rollback', 'balance', 'mix', 'hot-withdraw', 'duplicates'];
    for (const scenario of scenarios) {
      // two load processes' shares side by side, as the bench runs them on a bigger machine
      const stats = Recorder.merge(await Promise.all([0, 1].map((share) => drive({
        baseUrl: `http://127.0.0.1:${port}`,
        ...BENCH_CLIENT,
        hub88PrivateKeyPem: BENCH_HUB88.privateKeyPem,
        scenario,
        world: { players: PLAYERS, stake: 0.01 },
        previousWithdraws: withdraws,
        concurrency: 2,
        seconds: 0.3,
        share,
        shares: 2,
      }))));
      expect({ scenario, errors: stats.errorCodes }).toEqual({ scenario, errors: {} });
      expect(stats.requests).toBeGreaterThan(0);
      if (scenario === 'withdraw') withdraws = stats.stepsInOrder!;
      successes += stats.distinctSuccesses;
    }
    const run = { clientId, players: PLAYERS, connections: 2, seconds: 0.2, hot: false, stakeMinor: 1 };
    const direct = await routineLimit(t.ownerUrl, run);
    expect(direct.errors).toBe(0);
    successes += direct.distinctSuccesses;
    const minimal = await minimalBetLimit(t.ownerUrl, run);
    expect({ errors: minimal.errors, some: minimal.requests > 0 }).toEqual({ errors: 0, some: true });
    const counts = await movementCounts(t.db);
    expect(counts).toEqual({ movements: successes, acceptedCalls: successes });
    await expectSoundLedger(t);
  });
});
