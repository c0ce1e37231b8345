import { AddressInfo } from 'node:net';
import { buildProgram } from '../../scripts/wallet';
import { createDb, watchIndexBuilds } from '../../src/db';
import { migrations } from '../../migrations';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';
import { createTestDatabase, databaseUrl, testServer, withAdmin } from '../support/database';
import { FakeFizzyBubbly } from '../support/fakes/fizzy-bubbly';
import { FakeSumsub, SUMSUB_FAKE } from '../support/fakes/sumsub';
import { FB_PRIVATE_KEY } from '../support/wallet';
import { wallet } from '../support/cli';

let t: TestApp;
let fb: FakeFizzyBubbly;
let sumsub: FakeSumsub;
const saved = { ...process.env };
beforeAll(async () => {
  fb = await new FakeFizzyBubbly('fb-public-key', FB_PRIVATE_KEY).start();
  sumsub = await new FakeSumsub().start();
  t = await startTestApp({ launch: fb.settings(), kyc: { baseUrl: sumsub.baseUrl, ...SUMSUB_FAKE, timeoutMs: 2_000 }, payouts: { providers: { sandbox: { baseUrl: 'sandbox:' } }, defaultProvider: 'sandbox', minAmount: '1.00', maxAmount: '5000.00' } });
  process.env.WALLET_URL = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  process.env.OPERATOR_TOKEN = OPERATOR_TOKEN;
  process.env.DATABASE_URL = t.url;
  process.env.MIGRATION_DATABASE_URL = t.ownerUrl;
});
afterAll(async () => {
  process.env = saved;
  await t.close();
  await fb.stop();
  await sumsub.stop();
});

describe('npx wallet', () => {
  it('starts and shows a player\'s identity verification', async () => {
    expect((await wallet('player', 'create', 'cli-kyc', 'BRL', '--first-name', 'Ana', '--birth-date', '1990-01-31')).code).toBe(0);
    expect(JSON.parse((await wallet('kyc', 'start', 'cli-kyc')).out)).toMatchObject({ kycStatus: 'pending', sdkToken: expect.any(String) });
    expect(sumsub.applicantOf('cli-kyc').fixedInfo).toMatchObject({ dob: '1990-01-31' });
    expect(JSON.parse((await wallet('kyc', 'show', 'cli-kyc')).out)).toMatchObject({ kycStatus: 'pending', birthDate: '1990-01-31', checks: [{ check: 'applicant' }] });
    expect(JSON.parse((await wallet('kyc', 'suspend', 'cli-kyc', 'case 12')).out)).toEqual({ playerId: 'cli-kyc', kycStatus: 'suspended' });
    const own = await wallet('kyc', 'lift', 'cli-kyc', 'closed');
    expect(own.code).not.toBe(0);
    expect(own.err).toContain('KYC_SAME_PERSON');
  });

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

  it('launches a game and prints only its URL, with pt_br, web, BR and 127.0.0.1 unless told otherwise', async () => {
    const { out, code } = await wallet('launch', 'cli-1', 'slot-1', '--platform', 'mobile');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${fb.baseUrl}/play/slot-1\\?token=\\S+\n$`));
    expect(fb.launches.at(-1)!.body).toMatchObject({ playerId: 'cli-1', gameId: 'slot-1', locale: 'pt_br', platform: 'mobile', country: 'BR', ip: '127.0.0.1', mode: 'wallet' });
  });

  it('adds a staff account with a generated password shown once, lists and disables it', async () => {
    const added = await wallet('staff', 'add', 'cli-staff@casino.example', 'support', '--name', 'Cli Support');
    expect(added.code).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(added.out)![1];
    const account = JSON.parse(added.out.slice(0, added.out.lastIndexOf('}') + 1));
    expect(account).toMatchObject({ email: 'cli-staff@casino.example', role: 'support', status: 'active' });
    const login = await t.http.post('/console/login').type('form').send({ email: account.email, password }).redirects(0);
    expect(login.headers.location).toBe('/console');
    expect(JSON.parse((await wallet('staff', 'list')).out).staff).toEqual([expect.objectContaining({ staffId: account.staffId })]);
    expect(JSON.parse((await wallet('staff', 'disable', account.staffId)).out)).toMatchObject({ status: 'disabled' });
  });

  it('sigap export prints one reference day as CSV', async () => {
    const { out, code } = await wallet('sigap', 'export', '--date', '2001-01-01');
    expect(code).toBe(0);
    expect(out).toBe('record,occurredAt,sequence,playerId,cpf,kind,amount,balanceAfter,currency,reference,gameId,roundId,status,sigapStatus\r\n');
  });

  it('audit verify proves the trail unbroken (exit 0)', async () => {
    const { out, code } = await wallet('audit', 'verify');
    expect(code).toBe(0);
    expect(out).toMatch(/^audit trail sound: \d+ rows, each chained to the one before\n$/);
  });

  it('registers, lists and retires a payout account', async () => {
    expect((await wallet('player', 'create', 'cli-payee', 'BRL', '--document', '43278243803')).code).toBe(0);
    const added = JSON.parse((await wallet('payout-account', 'add', 'cli-payee', 'hashlee', 'cli-acct', '432.782.438-03')).out);
    expect(added).toMatchObject({ provider: 'hashlee', accountId: 'cli-acct', status: 'active' });
    expect(JSON.parse((await wallet('payout-account', 'list', 'cli-payee')).out).payoutAccounts).toHaveLength(1);
    expect(JSON.parse((await wallet('payout-account', 'retire', 'cli-payee', added.payoutAccountId)).out)).toMatchObject({ status: 'retired' });
    const refused = await wallet('payout-account', 'add', 'cli-payee', 'hashlee', 'cli-other', '04303340790');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('PAYOUT_ACCOUNT_NOT_OWN');
  });

  it('makes a deposit charge, shows it and lists it', async () => {
    expect((await wallet('player', 'create', 'cli-depositor', 'BRL', '--document', '43278243803')).code).toBe(0);
    const made = JSON.parse((await wallet('deposit', 'create', 'cli-depositor', '80.00', '--id', 'cli-dep-1')).out);
    expect(made).toMatchObject({ playerId: 'cli-depositor', status: 'pending', amount: '80.00', provider: 'sandbox' });
    expect(made.copyPaste).toMatch(/^000201/);
    expect(JSON.parse((await wallet('deposit', 'show', made.depositId)).out).history).toHaveLength(2);
    expect(JSON.parse((await wallet('deposit', 'list', '--player', 'cli-depositor', '--status', 'pending')).out).deposits).toHaveLength(1);
    const refused = await wallet('deposit', 'return', made.depositId, 'not held');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('DEPOSIT_NOT_HELD');
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

  it('prints a JSON report like every other answer, with the filters under their short names', async () => {
    const { out, code } = await wallet('report', 'rounds', '--player', 'cli-1', '--from', '2026-01-01');
    expect(code).toBe(0);
    expect(out).toMatch(/^\{\n {2}"rows": \[/);
    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({ rows: [], nextCursor: null });
  });

  it('lists the filters of every report in its help', async () => {
    const help = buildProgram().commands.find((c) => c.name() === 'report')!.commands.find((c) => c.name() === 'rounds')!.helpInformation();
    for (const option of ['--from', '--to', '--player', '--game', '--status', '--csv']) expect(help).toContain(option);
  });

  it('reconcile reads its dates as strictly as the API: an impossible date is refused, naming the option', async () => {
    await expect(wallet('reconcile', '--provider', 'jumppag', '--from', '2026-02-30', '--to', '2026-03-02')).rejects.toThrow(/^--from: from must be an ISO 8601 date/);
  });

  it('runs ledger-check and migrate on the database itself', async () => {
    expect(await wallet('ledger-check')).toMatchObject({ code: 0, out: expect.stringMatching(/^ledger sound; /) });
    expect(await wallet('migrate')).toMatchObject({ code: 0, out: 'nothing to apply\n' });
  });
});

describe('npx wallet --progress', () => {
  it('draws a bar of the proofs on stderr and keeps stdout for the verdict', async () => {
    const result = await wallet('--progress', 'ledger-check');
    expect(result.out).toMatch(/^ledger sound; /);
    expect(result.err).toMatch(/ledger-check █{30} 100% 13\/13 · done/);
  });

  it('counts CSV rows received against the X-Row-Count the server announced', async () => {
    const result = await wallet('--progress', 'report', 'summary', '--group-by', 'currency', '--csv');
    expect(result.out).toContain('EUR,');
    expect(result.err).toMatch(/summary\.csv █{30} 100% 1\/1 · rows/);
  });

  it('migrate applies every migration to an empty database, one step of the bar each', async () => {
    const { adminUrl } = testServer();
    const name = `wallet_empty_${process.pid}`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    process.env.DATABASE_URL = databaseUrl(adminUrl, name);
    delete process.env.MIGRATION_DATABASE_URL;
    try {
      const result = await wallet('--progress', 'migrate');
      expect(result.out).toBe(`applied ${migrations.map((m) => m.name).join(', ')}\n`);
      expect(result.err).toMatch(new RegExp(`migrate █{30} 100% ${migrations.length}/${migrations.length} · done`));
      expect(await wallet('migrate')).toMatchObject({ code: 0, out: 'nothing to apply\n', err: '' });
    } finally {
      process.env.DATABASE_URL = t.url;
      process.env.MIGRATION_DATABASE_URL = t.ownerUrl;
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
});

describe('watchIndexBuilds (the progress of a migration on a big table)', () => {
  it('reports an index build on another connection with how far it has got', async () => {
    const database = await createTestDatabase();
    const db = createDb(database.ownerUrl, { poolMax: 2, statementTimeoutMs: 60_000 });
    try {
      await db.raw('CREATE TABLE big AS SELECT g AS n, md5(g::text) AS t FROM generate_series(1, 400000) g');
      const seen: string[] = [];
      const stop = watchIndexBuilds(db, (build) => seen.push(build), 10);
      await db.raw('CREATE INDEX big_t ON big (t)');
      stop();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((line) => /^index on big: [a-z :]+( \d+%)?$/.test(line))).toBe(true);
      expect(seen.some((line) => / \d+%$/.test(line))).toBe(true);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
