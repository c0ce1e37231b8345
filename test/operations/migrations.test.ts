import { migrations } from '../../migrations';
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
    await t.db('knex_migrations_lock').update({ is_locked: 1 });
    const following = ndjson(t.operator('get', '/migrations').set('Accept', 'application/x-ndjson'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await t.db('knex_migrations_lock').update({ is_locked: 0 });
    const { status, lines } = await following;
    expect(status).toBe(200);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toEqual({ progress: { phase: 'an instance holds the migration lock', done: names.length, total: names.length } });
    expect(lines.at(-1)).toEqual({ result: { applied: names, pending: [], migrating: false, indexBuilds: [] } });
  });
});
