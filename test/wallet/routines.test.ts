import { migrate } from '../../src/db';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the wallet routines as installed', () => {
  // enable_seqscan off costs the one scan left (wallet_settings, one row) at 10^10: with JIT on, a PostgreSQL built
  // with LLVM would compile it at every call, about 100 ms each (docs/benchmark.md "JIT")
  it('each pins index plans and runs with JIT off', async () => {
    const { rows } = await t.db.raw<{ rows: { name: string; config: string[] }[] }>(
      `SELECT proname AS name, proconfig AS config FROM pg_proc WHERE proname IN ('wallet_balance', 'wallet_withdraw', 'wallet_deposit', 'wallet_rollback', 'wallet_batch') ORDER BY proname`);
    expect(rows).toEqual(['wallet_balance', 'wallet_batch', 'wallet_deposit', 'wallet_rollback', 'wallet_withdraw']
      .map((name) => ({ name, config: ['enable_seqscan=off', 'jit=off'] })));
  });

  // a custom plan, fitted to each set's size, was made again at every call (about 4 ms)
  it('the set form of withdraws also keeps one generic plan per connection', async () => {
    const { rows } = await t.db.raw<{ rows: { config: string[] }[] }>(`SELECT proconfig AS config FROM pg_proc WHERE proname = 'wallet_withdraws'`);
    expect(rows).toEqual([{ config: ['enable_seqscan=off', 'jit=off', 'plan_cache_mode=force_generic_plan'] }]);
  });

  it('each answers one wallet_answer, and a reinstall replaces a routine left with the earlier table answer', async () => {
    await t.owner.raw(`DROP FUNCTION wallet_balance(integer, text, text, text);
      CREATE FUNCTION wallet_balance(p_client integer, p_player text, p_session text, p_currency text)
      RETURNS TABLE (r_status smallint, r_code text, r_reason text, r_balance bigint, r_currency text)
      LANGUAGE sql AS $$ SELECT 500::smallint, 'OLD', NULL, NULL::bigint, NULL $$`);
    await migrate(t.ownerUrl);
    const { rows } = await t.db.raw<{ rows: { name: string; answer: string }[] }>(
      `SELECT proname AS name, prorettype::regtype::text AS answer FROM pg_proc WHERE proname IN ('wallet_balance', 'wallet_withdraw', 'wallet_deposit', 'wallet_rollback') ORDER BY proname`);
    expect(rows).toEqual(['wallet_balance', 'wallet_deposit', 'wallet_rollback', 'wallet_withdraw'].map((name) => ({ name, answer: 'wallet_answer' })));
    const { rows: [answer] } = await t.db.raw(`SELECT * FROM wallet_balance(0, 'nobody', 'none', 'EUR')`);
    expect(answer).toEqual({ r_status: 401, r_code: 'ERROR_INVALID_SIGNATURE', r_reason: 'the api client is disabled', r_balance: null, r_currency: null });
  });
});
