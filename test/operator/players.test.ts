import { givenPlayer, startTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('POST /operator/players', () => {
  it('creates a player with a zero balance in its currency', async () => {
    const res = await t.operator('post', '/players', { playerId: 'alice', currency: 'EUR', firstName: 'Alice' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ playerId: 'alice', currency: 'EUR', balance: '0.00', status: 'active', firstName: 'Alice' });
  });

  it('creating the same player again with the same data answers 200 and changes nothing', async () => {
    await t.operator('post', '/players', { playerId: 'bob', currency: 'JPY' });
    const again = await t.operator('post', '/players', { playerId: 'bob', currency: 'JPY' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ playerId: 'bob', currency: 'JPY', balance: '0' });
  });

  it('creating an existing player with different data is a 409', async () => {
    await t.operator('post', '/players', { playerId: 'carol', currency: 'EUR' });
    const res = await t.operator('post', '/players', { playerId: 'carol', currency: 'USD' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PLAYER_EXISTS');
  });

  it.each([
    [{ currency: 'EUR' }, 'playerId'],
    [{ playerId: 'x'.repeat(46), currency: 'EUR' }, 'playerId'],
    [{ playerId: 'dave', currency: 'euro' }, 'currency'],
    [{ playerId: 'dave', currency: 'XXX' }, 'currency'],
    [{ playerId: 42, currency: 'EUR' }, 'playerId'],
    [{ playerId: 'dave', currency: 'EUR', balance: '100' }, 'balance'],
  ])('refuses %j naming the field %s', async (body, field) => {
    const res = await t.operator('post', '/players', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect(res.body.error.traceId).toEqual(expect.any(String));
  });
});

describe('GET /operator/players/:playerId', () => {
  it('shows balance, status and limits', async () => {
    await givenPlayer(t, 'erin', { balance: '12.34' });
    const res = await t.operator('get', '/players/erin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ playerId: 'erin', balance: '12.34', status: 'active', limits: {}, realityCheckPending: false });
  });

  it('an unknown player is a 404', async () => {
    const res = await t.operator('get', '/players/nobody');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('PLAYER_NOT_FOUND');
  });

  it('a read whose database connection breaks answers 503 DATABASE_UNAVAILABLE, logged with its trace id, and the next read succeeds', async () => {
    await givenPlayer(t, 'cut-reader', { balance: '1.00' });
    const lock = await t.owner.transaction();
    let res;
    try {
      // the read waits on a lock, and its connection is cut while it waits; the cut is over once its backend has
      // exited (the timeout form waits for that), so the pool has seen that connection close before the next read
      await lock.raw('LOCK TABLE players IN ACCESS EXCLUSIVE MODE');
      const reading = t.operator('get', '/players/cut-reader').then((r) => r);
      await eventually('a request waiting on the lock, cut', async () => (await lock.raw(`SELECT pg_terminate_backend(pid, 5000) AS cut FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)).rows.length > 0, Boolean, { within: 5_000, every: 20 });
      res = await reading;
    } finally {
      await lock.rollback();
    }
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/nothing was changed/), traceId: expect.any(String) });
    expect(t.logs.some((l) => l.traceId === res.body.error.traceId && l.level === 'warn')).toBe(true);
    expect((await t.operator('get', '/players/cut-reader')).status).toBe(200);
  });
});

describe('GET /operator/players', () => {
  it('finds players by the start of their id, newest first, with balance and status', async () => {
    for (const id of ['find-me-2', 'find-me-1', 'find-other']) await givenPlayer(t, id, { balance: '3.00' });
    const res = await t.operator('get', '/players?search=find-me');
    expect(res.status).toBe(200);
    expect(res.body.players).toEqual([
      { playerId: 'find-me-1', currency: 'EUR', balance: '3.00', status: 'active', firstName: null, lastName: null, createdAt: expect.any(String) },
      { playerId: 'find-me-2', currency: 'EUR', balance: '3.00', status: 'active', firstName: null, lastName: null, createdAt: expect.any(String) },
    ]);
    expect(res.body.nextCursor).toBeNull();
    expect((await t.operator('get', '/players?search=find&limit=1')).body.players).toHaveLength(1);
  });

  it('without a search lists every player, newest first, a page at a time by cursor, filtered by status and creation time', async () => {
    const since = new Date().toISOString();
    for (const id of ['page-a', 'page-b', 'page-c']) await givenPlayer(t, id);
    await t.operator('patch', '/players/page-b', { status: 'blocked' }).expect(200);
    const first = (await t.operator('get', `/players?from=${since}&limit=2`).expect(200)).body;
    expect(first.players.map((p: { playerId: string }) => p.playerId)).toEqual(['page-c', 'page-b']);
    const second = (await t.operator('get', `/players?from=${since}&limit=2&cursor=${first.nextCursor}`).expect(200)).body;
    expect(second.players.map((p: { playerId: string }) => p.playerId)).toEqual(['page-a']);
    expect(second.nextCursor).toBeNull();
    expect((await t.operator('get', `/players?from=${since}&status=blocked`).expect(200)).body.players.map((p: { playerId: string }) => p.playerId)).toEqual(['page-b']);
    expect((await t.operator('get', '/players?status=gone').expect(400)).body.error.field).toBe('status');
    expect((await t.operator('get', '/players?to=2000-01-01').expect(200)).body.players).toEqual([]);
  });

  it('takes % and _ literally', async () => {
    await givenPlayer(t, 'pct%one');
    expect((await t.operator('get', '/players?search=%25')).body.players).toEqual([]);
    expect((await t.operator('get', '/players?search=pct_')).body.players).toEqual([]);
    expect((await t.operator('get', `/players?search=${encodeURIComponent('pct%')}`)).body.players.map((p: { playerId: string }) => p.playerId)).toEqual(['pct%one']);
  });

  it.each(['', 'x'.repeat(46)])('refuses a search of %j', async (search) => {
    const res = await t.operator('get', `/players?search=${search}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'search' });
  });
});

describe('PATCH /operator/players/:playerId', () => {
  it('blocks and unblocks a player and flags a reality check', async () => {
    await givenPlayer(t, 'frank');
    const blocked = await t.operator('patch', '/players/frank', { status: 'blocked', realityCheckPending: true });
    expect(blocked.body).toMatchObject({ status: 'blocked', realityCheckPending: true });
    const active = await t.operator('patch', '/players/frank', { status: 'active' });
    expect(active.body.status).toBe('active');
  });

  it('a lowered limit applies at once; a raised or removed one waits 24 hours', async () => {
    await givenPlayer(t, 'gina');
    const set = await t.operator('patch', '/players/gina', { limits: { betMax: 10, loss24h: '50.00' } });
    expect(set.body.limits).toEqual({ betMax: { amount: '10.00' }, loss24h: { amount: '50.00' } });

    const lowered = await t.operator('patch', '/players/gina', { limits: { betMax: '5' } });
    expect(lowered.body.limits.betMax).toEqual({ amount: '5.00' });

    const raised = await t.operator('patch', '/players/gina', { limits: { betMax: 20, loss24h: null } });
    expect(raised.body.limits.betMax.amount).toBe('5.00');
    expect(raised.body.limits.betMax.pending.amount).toBe('20.00');
    expect(raised.body.limits.loss24h.amount).toBe('50.00');
    expect(raised.body.limits.loss24h.pending.amount).toBeNull();
    const effectiveAt = Date.parse(raised.body.limits.betMax.pending.effectiveAt);
    expect(effectiveAt - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000);
  });

  it('refuses a limit with more decimals than the currency', async () => {
    await givenPlayer(t, 'hank');
    const res = await t.operator('patch', '/players/hank', { limits: { betMax: 1.001 } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'limits.betMax' });
  });

  it('refuses an unknown status', async () => {
    await givenPlayer(t, 'ivy');
    const res = await t.operator('patch', '/players/ivy', { status: 'deleted' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('status');
  });
});

describe('POST /operator/players/:playerId/sessions', () => {
  it('opens a session that expires after the default 4 hours', async () => {
    await givenPlayer(t, 'jack');
    const res = await t.operator('post', '/players/jack/sessions', { gameId: 'slot-1' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ playerId: 'jack', gameId: 'slot-1', sessionId: expect.any(String) });
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(3.9 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(4 * 3600 * 1000);
  });

  it('honours ttlSeconds and refuses one out of range', async () => {
    await givenPlayer(t, 'kim');
    const short = await t.operator('post', '/players/kim/sessions', { ttlSeconds: 60 });
    expect(Date.parse(short.body.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const bad = await t.operator('post', '/players/kim/sessions', { ttlSeconds: 5 });
    expect(bad.status).toBe(400);
  });
});
