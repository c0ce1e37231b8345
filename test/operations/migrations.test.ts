import { migrations } from '../../migrations';
import { createDb, migrate } from '../../src/db';
import { databaseUrl, testServer, withAdmin } from '../support/database';
import { ndjson, startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const names = migrations.map((m) => m.name);

describe('GET /operator/migrations', () => {
  it('says which migrations are applied and pending, and whether one is running', async () => {
    const res = await t.operator('get', '/migrations').expect(200);
    expect(res.body).toEqual({ applied: names, pending: [], migrating: false, indexBuilds: [] });
  });

  it('with Accept: application/x-ndjson follows a migration another instance is running until it ends', async () => {
    // what another instance's `knex migrate` holds while it works
    await t.owner('knex_migrations_lock').update({ is_locked: 1 });
    const following = ndjson(t.operator('get', '/migrations').set('Accept', 'application/x-ndjson'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await t.owner('knex_migrations_lock').update({ is_locked: 0 });
    const { status, lines } = await following;
    expect(status).toBe(200);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toEqual({ progress: { phase: 'an instance holds the migration lock', done: names.length, total: names.length } });
    expect(lines.at(-1)).toEqual({ result: { applied: names, pending: [], migrating: false, indexBuilds: [] } });
  });

  it('counts an instance holding the migrate advisory lock (routines, job-queue schema) as migrating', async () => {
    const holder = await t.db.client.acquireConnection();
    try {
      await holder.query('SELECT pg_advisory_lock(7340001)');
      expect((await t.operator('get', '/migrations').expect(200)).body.migrating).toBe(true);
      await holder.query('SELECT pg_advisory_unlock(7340001)');
      expect((await t.operator('get', '/migrations').expect(200)).body.migrating).toBe(false);
    } finally {
      await t.db.client.releaseConnection(holder);
    }
  });
});

describe('migrating from several instances at once', () => {
  it('applies each migration exactly once, in order, whichever instance gets there first', async () => {
    const { adminUrl } = testServer();
    const name = `wallet_race_${process.pid}`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = databaseUrl(adminUrl, name);
    try {
      const applied = await Promise.all([migrate(url), migrate(url), migrate(url)]);
      expect(applied.flat().sort()).toEqual(names);
      const db = createDb(url, { poolMax: 1, statementTimeoutMs: 10_000 });
      try {
        expect(await db('knex_migrations').orderBy('id').pluck('name')).toEqual(names);
      } finally {
        await db.destroy();
      }
    } finally {
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
});
