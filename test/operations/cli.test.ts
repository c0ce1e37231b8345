import { AddressInfo } from 'node:net';
import { buildProgram } from '../../scripts/wallet';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';

let t: TestApp;
const saved = { ...process.env };
beforeAll(async () => {
  t = await startTestApp();
  process.env.WALLET_URL = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  process.env.OPERATOR_TOKEN = OPERATOR_TOKEN;
  process.env.DATABASE_URL = t.url;
});
afterAll(async () => {
  process.env = saved;
  await t.close();
});

/** Runs `npx wallet <args>` in this process; returns what it printed and its exit code. */
async function wallet(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk instanceof Uint8Array ? Buffer.from(chunk) : chunk)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  process.exitCode = 0;
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'wallet', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join(''), err: err.join(''), code };
}

describe('npx wallet', () => {
  it('creates a player, tops it up (idempotently with --id) and shows it', async () => {
    expect((await wallet('player', 'create', 'cli-1', 'EUR', '--first-name', 'Ana')).code).toBe(0);
    expect(JSON.parse((await wallet('topup', 'cli-1', '25.50', '--id', 'cli-topup-1')).out)).toMatchObject({ balance: '25.50' });
    expect(JSON.parse((await wallet('topup', 'cli-1', '25.50', '--id', 'cli-topup-1')).out)).toMatchObject({ balance: '25.50' });
    expect(JSON.parse((await wallet('player', 'show', 'cli-1')).out)).toMatchObject({ playerId: 'cli-1', balance: '25.50', firstName: 'Ana' });
  });

  it('blocks and unblocks, sets a limit, opens a session and registers a client', async () => {
    expect(JSON.parse((await wallet('player', 'block', 'cli-1')).out)).toMatchObject({ status: 'blocked' });
    expect(JSON.parse((await wallet('player', 'unblock', 'cli-1')).out)).toMatchObject({ status: 'active' });
    expect((await wallet('player', 'limit', 'cli-1', 'betMax', '5.00')).code).toBe(0);
    expect(JSON.parse((await wallet('session', 'cli-1', '--game', 'slot-1', '--ttl', '600')).out)).toMatchObject({ sessionId: expect.any(String) });
    expect(JSON.parse((await wallet('client', 'cli-aggregator', 'cli-public-key', 'a-secret-of-enough-length')).out)).toMatchObject({ name: 'cli-aggregator' });
  });

  it('prints the API error and exits 1 on a refusal', async () => {
    const result = await wallet('topup', 'nobody', '1.00');
    expect(result.code).toBe(1);
    expect(result.err).toContain('PLAYER_NOT_FOUND');
  });

  it('streams a report as CSV', async () => {
    const { out, code } = await wallet('report', 'summary', '--group-by', 'currency', '--csv');
    expect(code).toBe(0);
    expect(out.split('\r\n')[0]).toMatch(/^currency,bets,wins/);
    expect(out).toContain('EUR,0.00,0.00,0.00,0.00,0,0,25.50');
  });

  it('runs ledger-check and migrate on the database itself', async () => {
    expect(await wallet('ledger-check')).toMatchObject({ code: 0, out: expect.stringMatching(/^ledger sound; /) });
    expect(await wallet('migrate')).toMatchObject({ code: 0, out: 'nothing to apply\n' });
  });
});
