import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unsafeRuntimeRole } from '../../src/db';
import { givenPlayer, startTestApp, TestApp } from '../support/app';
import { wallet } from '../support/cli';

let t: TestApp;
const saved = { ...process.env };
beforeAll(async () => {
  t = await startTestApp();
  process.env.DATABASE_URL = t.url;
  process.env.MIGRATION_DATABASE_URL = t.ownerUrl;
  await givenPlayer(t, 'history', { currency: 'EUR' });
  for (let i = 0; i < 5; i++) await t.operator('post', '/players/history/topups', { amount: '10.00', transactionId: `history-${i}` }).expect(200);
});
afterAll(async () => {
  process.env = saved;
  await t.close();
});

/** What `psql`, a tool nobody here wrote, answers when it runs `sql` as the server's own database role. */
function psqlAsServer(sql: string): { code: number | null; err: string } {
  const run = spawnSync('psql', [t.url, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-c', sql], { encoding: 'utf8' });
  return { code: run.status, err: run.stderr };
}
const hasPsql = spawnSync('psql', ['--version']).status === 0;
if (!hasPsql) process.stdout.write('runtime-role: the psql check is skipped, no psql on this machine (Debian: postgresql-client)\n');

describe("the server's database role", () => {
  it('owns nothing and is no superuser; the owner would be refused in production', async () => {
    expect(await unsafeRuntimeRole(t.db)).toEqual([]);
    expect((await unsafeRuntimeRole(t.owner)).join('; ')).toMatch(/superuser|owns/);
  });

  it('cannot disable the audit trigger, update, delete or truncate the audit table, nor redefine how rows are written', async () => {
    for (const sql of [
      'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only',
      'DROP TRIGGER audit_log_append_only ON audit_log',
      "UPDATE audit_log SET details = '{}'",
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
      'CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
      'UPDATE transfers SET amount = amount + 1',
      'DELETE FROM transfers',
      'UPDATE wallet_transactions SET amount = amount + 1',
      'UPDATE wallet_transactions SET credit_balance_after = 0',
      "UPDATE wallet_transactions SET response_code = 'x'",
      'DELETE FROM wallet_transactions',
    ]) {
      await expect(t.db.raw(sql)).rejects.toThrow(/permission denied|must be owner/);
    }
  });

  (hasPsql ? it : it.skip)('psql logged in as it is refused the same, and can still read and add what the server needs', () => {
    for (const sql of ['ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only', 'TRUNCATE audit_log', "UPDATE audit_log SET action = 'x'"]) {
      const { code, err } = psqlAsServer(sql);
      expect(code).not.toBe(0);
      expect(err).toMatch(/permission denied|must be owner/);
    }
    expect(execFileSync('psql', [t.url, '-X', '-A', '-t', '-c', 'SELECT count(*) > 0 FROM audit_log'], { encoding: 'utf8' }).trim()).toBe('t');
  });
});

describe('npx wallet audit checkpoint and verify --checkpoint', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-')), 'checkpoints.jsonl');
  afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

  /** A database superuser's rewrite: one row changed, and every hash from it on recomputed so the chain is sound again. */
  async function rewriteAsSuperuser(id: string) {
    await t.owner.transaction(async (trx) => {
      await trx.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await trx.raw(`UPDATE audit_log SET details = jsonb_set(details, '{amount}', '"100000.00"') WHERE id = ?`, [id]);
      await trx.raw(`DO $$ DECLARE r record; prev text; BEGIN
        SELECT hash INTO prev FROM audit_log WHERE id < ${Number(id)} ORDER BY id DESC LIMIT 1;
        FOR r IN SELECT * FROM audit_log WHERE id >= ${Number(id)} ORDER BY id LOOP
          UPDATE audit_log SET prev_hash = prev, hash = audit_row_hash(prev, r.action, r.player_id, r.details, r.trace_id, r.actor, r.actor_role, r.created_at)
          WHERE id = r.id RETURNING hash INTO prev;
        END LOOP;
      END $$`);
      await trx.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
  }

  it("writes the chain's head to a file, and verify holds the trail against it", async () => {
    const written = await wallet('audit', 'checkpoint', '--file', file);
    expect(written.code).toBe(0);
    const checkpoint = JSON.parse(fs.readFileSync(file, 'utf8').trim());
    expect(checkpoint).toEqual(JSON.parse(written.out));
    expect(checkpoint).toMatchObject({ id: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/), rows: expect.any(Number) });
    expect(await wallet('audit', 'verify', '--checkpoint', file)).toMatchObject({ code: 0, out: expect.stringContaining('matches 1 checkpoint(s)') });
  });

  it('catches a superuser who rewrote a top-up and recomputed the chain, which the chain alone calls sound', async () => {
    const topup = await t.owner('audit_log').where({ action: 'player.topup' }).orderBy('id').first();
    await rewriteAsSuperuser(String(topup.id));
    expect(await wallet('audit', 'verify')).toMatchObject({ code: 0 });
    const verified = await wallet('audit', 'verify', '--checkpoint', file);
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(/no longer has the hash it had/);
  });

  it('catches rows cut off the end', async () => {
    await wallet('audit', 'checkpoint', '--file', file);
    const [head] = await t.owner('audit_log').orderBy('id', 'desc').limit(1);
    await t.owner.transaction(async (trx) => {
      await trx.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await trx('audit_log').where({ id: head.id }).delete();
      await trx.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    const verified = await wallet('audit', 'verify', '--checkpoint', file);
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(/is gone \(rows were cut off the end\)/);
  });
});
