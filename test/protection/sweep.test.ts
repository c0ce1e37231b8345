import { NDJSON } from '../../src/http';
import { TestApp } from '../support/app';
import { brazilSuite, cpfFor } from '../support/protection';
import { dueSweep, runSweep } from '../../src/protection/sweep';

jest.setTimeout(120_000);

const PLAYERS = 10_000;
const s = brazilSuite();
const sigap = s.sigap;
let t: TestApp;
beforeAll(async () => {
  ({ t } = s);
  // ten thousand registered players, written straight to the tables (their registration checks are not the point)
  await t.operator('post', '/players', { playerId: 'sweep-seed', currency: 'BRL', documentNumber: cpfFor(50_000) }).expect(201);
  const rows = Array.from({ length: PLAYERS - 1 }, (_, i) => ({ external_id: `sweep-${i}`, currency: 'BRL', document_number: cpfFor(50_001 + i), register_state: 'clear' }));
  for (let i = 0; i < rows.length; i += 1000) await t.db('players').insert(rows.slice(i, i + 1000));
  await t.db.raw(`INSERT INTO accounts (kind, currency, player_id, allow_negative)
    SELECT 'player_cash', 'BRL', p.id, false FROM players p WHERE NOT EXISTS (SELECT FROM accounts a WHERE a.player_id = p.id)`);
});

describe('the sweep of every open account (at least every 15 days)', () => {
  it('checks 10 000 players once each, at a bounded rate, and resumes where it was interrupted', async () => {
    sigap.bar(cpfFor(50_001 + 1234));
    sigap.bar(cpfFor(50_001 + 9876), 'PROGRAMA_SOCIAL');
    const interrupt = new AbortController();
    const first = await t.app.locals.protection.sweep({ force: true, traceId: 'sweep-test', signal: interrupt.signal,
      onProgress: ({ done }: { done: number }) => done >= 4000 && interrupt.abort() });
    expect(first).toMatchObject({ total: PLAYERS, done: 4000, finishedAt: null });

    const resumed = await t.operator('post', '/protection/sweeps').set('Accept', NDJSON).expect(200);
    const lines = resumed.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.some((l) => l.progress?.phase === 'checking')).toBe(true);
    expect(lines.at(-1).result).toMatchObject({ sweepId: first.sweepId, total: PLAYERS, done: PLAYERS, impeded: 2, unreachable: 0, finishedAt: expect.any(String) });

    const counts = await t.db('register_checks').where({ trigger: 'sweep' }).select(t.db.raw('count(*)::int AS checks, count(DISTINCT player_id)::int AS players')).first();
    expect(counts).toEqual({ checks: PLAYERS, players: PLAYERS });
    expect((await t.operator('get', '/players/sweep-1234').expect(200)).body.status).toBe('impeded');
    expect((await t.operator('get', '/protection/sweeps').expect(200)).body.sweeps[0]).toMatchObject({ sweepId: first.sweepId, done: PLAYERS });
  });

  it('is not due again until 14 days after the last one began', async () => {
    expect(await t.app.locals.protection.sweep({ traceId: 'sweep-again' })).toBeNull();
  });

  it('keeps to its rate: at 4 000 checks a second, the 9 998 open accounts take at least 2.4 s', async () => {
    const sweep = (await dueSweep(t.db, new Date(), true))!;
    const started = Date.now();
    const done = await runSweep({ db: t.db, ratePerSecond: 4000, check: async () => ({ id: '0', outcome: 'permitted', reason: null, checkedAt: new Date() }) }, sweep);
    expect(done.done).toBe(PLAYERS - 2); // the two impeded accounts are no longer swept
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
  });
});
