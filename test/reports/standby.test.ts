import { createTestDatabase } from '../support/database';
import { TestApp, withTextBody } from '../support/app';
import { playRound, startHistoryApp } from '../support/history';
import { givenAggregator, givenPlay } from '../support/wallet';

// REPORTS_DATABASE_URL names another database here (a standby in production): the heavy reports read it, the
// ledger check and every money call stay on the primary.
let standby: Awaited<ReturnType<typeof createTestDatabase>>;
let t: TestApp;
beforeAll(async () => {
  standby = await createTestDatabase();
  t = await startHistoryApp({ reportsUrl: standby.url });
  const fb = await givenAggregator(t);
  await playRound(t, fb, { play: await givenPlay(t, 'primary-only', '100.00'), round: 'p1', bet: 10, then: 15 });
});
afterAll(async () => {
  await t.close();
  await standby.drop();
});

describe('REPORTS_DATABASE_URL', () => {
  it('the rounds report and its CSV read the standby; the ledger check and the wallet stay on the primary', async () => {
    const rounds = (await t.operator('get', '/reports/rounds?from=2000-01-01&to=2100-01-01').expect(200)).body;
    expect(rounds.rows).toEqual([]); // the round was played on the primary, which this standby is not a copy of
    const csv = (await withTextBody(t.operator('get', '/reports/rounds?from=2000-01-01&to=2100-01-01&format=csv'))).body as string;
    expect(csv.trim().split('\r\n')).toHaveLength(1); // the header alone
    const check = (await t.operator('get', '/reports/ledger-check').expect(200)).body;
    expect(check).toMatchObject({ sound: true });
    expect(check.transfers).toBeGreaterThanOrEqual(3);
    expect((await t.operator('get', '/players/primary-only').expect(200)).body.balance).toBe('105.00');
  });
});
