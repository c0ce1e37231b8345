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
});
