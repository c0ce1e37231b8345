import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Knex } from 'knex';
import { createDb } from '../../src/db';
import { freePort } from '../../src/http';
import { checkLedger } from '../../src/ledger';
import { CutProxy } from '../support/cut-proxy';
import { eventually } from '../support/eventually';
import { createTestDatabase } from '../support/database';
import { FakeJumppag } from '../support/fakes/jumppag';
import { PLAYER_CPF } from '../support/payouts';
import { driveLoad, expectLoadInLedger, FB_PRIVATE, givenPlayers, operatorCall, ServerProcess, TOKEN, walletCall } from './support';

/**
 * The long reliability runs (npm run test:chaos): real server processes from dist/, killed, restarted, run
 * several at once, and a database restarted under them. Figures are printed for the README.
 */
const figures: string[] = [];
afterAll(() => process.stdout.write(`\nchaos figures:\n${figures.map((f) => `  ${f}`).join('\n')}\n`));

/** A fresh database, one server process on it (with `env` besides) and a connection for the proofs, all gone after `work`. */
async function withServerEnv(env: Record<string, string>, work: (server: ServerProcess, db: Knex) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const db = createDb(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
  const server = await ServerProcess.start({ DATABASE_URL: database.url, MIGRATION_DATABASE_URL: database.ownerUrl, ...env });
  try {
    await work(server, db);
  } finally {
    await server.stop();
    await db.destroy();
    await database.drop();
  }
}

const withServer = (work: (server: ServerProcess, db: Knex) => Promise<void>) => withServerEnv({}, work);

async function expectSound(db: Knex) {
  const report = await checkLedger(db);
  expect(report.problems).toEqual([]);
}

describe('crash mid-load: kill -9 during a run, restart, retry every unanswered call', () => {
  it('keeps every acknowledged movement exactly once and every balance equal to the model', async () => {
    await withServer(async (server, db) => {
      const { players, sessions } = await givenPlayers(server.url, 20, 'crash');
      let crashes = 0;
      let running = true;
      const crasher = (async () => {
        while (running && crashes < 5) {
          await new Promise((r) => setTimeout(r, 400));
          if (!running) break;
          await server.kill9();
          crashes += 1;
          await server.restart();
        }
      })();
      // long enough for several crashes now that group commit serves the load faster
      const load = driveLoad({ target: () => server.url, players, sessions, rounds: 100, startCents: 50_000n }).finally(() => {
        running = false;
      });
      const [report] = await Promise.all([load, crasher]);
      expect(crashes).toBeGreaterThanOrEqual(3);
      await expectLoadInLedger(db, report);
      await expectSound(db);
      for (const secret of [TOKEN, FB_PRIVATE]) expect(server.output.join('')).not.toContain(secret);
      figures.push(`crash: ${report.requests} requests, ${crashes} kill -9, ${report.retried} retried, ${report.moved.length} movements, each once`);
    });
  });
});

describe('commit cut under load', () => {
  // a cluster's calls are committed, and found again by key when in doubt, by the primary's group commit (src/wallet/hub.ts)
  it.each([['one process', '1'], ['a cluster of two workers', '2']])('%s: 10,000 bets while connections are cut after the call committed: no answer denies a committed bet (at most, "outcome unknown: send it again")', async (mode, workers) => {
    const database = await createTestDatabase();
    const proxy = await new CutProxy(database.url).start();
    const db = createDb(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
    const server = await ServerProcess.start({ DATABASE_URL: proxy.url(), MIGRATION_DATABASE_URL: database.ownerUrl, WEB_CONCURRENCY: workers });
    let cutter: NodeJS.Timeout | undefined;
    try {
      const { players, sessions } = await givenPlayers(server.url, 40, 'cut', '100000.00');
      cutter = setInterval(() => proxy.cutNext('wallet_', 'after'), 50); // twenty cuts a second
      const answers = new Map<string, number | undefined>();
      const codes = new Map<string, string | undefined>();
      let next = 0;
      const client = async () => {
        for (let i = next++; i < 10_000; i = next++) {
          const playerId = players[i % players.length];
          const transactionId = `cut-${i}`;
          const answer = await walletCall(server.url, '/wallet/withdraw', {
            playerId, sessionId: sessions.get(playerId), currency: 'EUR', gameId: 'chaos-slot', gameRoundId: `cut-r-${i}`,
            transactionId, amount: 1, cashAmount: 1, jackpotAmount: null, isGameRoundFinished: false,
          });
          answers.set(transactionId, answer?.status);
          codes.set(transactionId, answer?.body?.code);
        }
      };
      await Promise.all(Array.from({ length: 16 }, client));
      clearInterval(cutter);
      const committed = new Set((await db('wallet_transactions').where({ kind: 'withdraw', response_status: 200 }).select('transaction_id')).map((r) => r.transaction_id as string));
      // an answer that the outcome is unknown (or none, past the client's timeout) is true; any other refusal of a committed bet is false
      const unknownAndCommitted = [...answers].filter(([id, status]) => status !== 200 && committed.has(id) && (status === undefined || codes.get(id) === 'ERROR_UNKNOWN_ERROR'));
      const failedButCommitted = [...answers].filter(([id, status]) => status !== 200 && committed.has(id) && !unknownAndCommitted.some(([u]) => u === id));
      const okButMissing = [...answers].filter(([id, status]) => status === 200 && !committed.has(id));
      if (failedButCommitted.length) process.stdout.write(`FAILED BUT COMMITTED: ${JSON.stringify(failedButCommitted.map(([id, status]) => [id, status, codes.get(id)]))}\n`);
      expect({ failedButCommitted: failedButCommitted.length, okButMissing: okButMissing.length }).toEqual({ failedButCommitted: 0, okButMissing: 0 });
      await expectSound(db);
      const failed = [...answers.values()].filter((status) => status !== 200).length;
      figures.push(`commit cut (${mode}): 10,000 bets, ${proxy.cuts} connections cut after the call committed; ${failed} answered other than 200, ` +
        `of which ${unknownAndCommitted.length} had committed and were answered "outcome unknown" and 0 were denied; every 200 is in the ledger`);
    } finally {
      clearInterval(cutter);
      await server.stop();
      await proxy.stop();
      await db.destroy();
      await database.drop();
    }
  }, 120_000);
});

/**
 * What a restart does to the server, done to its database: every connection is terminated (57P01, as at a
 * shutdown) and new ones are refused until it is back. (The embedded server of the tests is shared by every test
 * file, so the database is closed to connections rather than the whole server stopped.)
 */
describe('database restart during load', () => {
  it.each([['one process', '1'], ['a cluster of two workers', '2']])('%s: answers 500 ERROR_TIMEOUT or ERROR_UNKNOWN_ERROR promptly while it is down, recovers by itself, and half-writes nothing', async (mode, workers) => {
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    const admin = createDb(database.ownerUrl.replace(`/${name}`, '/postgres'), { poolMax: 1, statementTimeoutMs: 10_000 });
    const db = createDb(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
    const server = await ServerProcess.start({ DATABASE_URL: database.url, MIGRATION_DATABASE_URL: database.ownerUrl, DB_STATEMENT_TIMEOUT_MS: '1000', WEB_CONCURRENCY: workers });
    try {
      const { players, sessions } = await givenPlayers(server.url, 10, 'restart');
      await db.destroy();
      const load = driveLoad({ target: () => server.url, players, sessions, rounds: 60, startCents: 50_000n });
      await new Promise((r) => setTimeout(r, 800));
      await admin.raw(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?', [name]);
      // while it is down: every call is answered, quickly, with a documented 500
      const downAnswers: { status: number; code?: string; ms: number }[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = Date.now();
        const answer = await walletCall(server.url, '/wallet/balance', { playerId: players[0], sessionId: sessions.get(players[0]), currency: 'EUR', gameId: 'chaos-slot' });
        downAnswers.push({ status: answer!.status, code: answer!.body.code, ms: Date.now() - started });
      }
      await new Promise((r) => setTimeout(r, 1500));
      await admin.raw(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      const report = await load;
      for (const a of downAnswers) {
        expect(a.status).toBe(500);
        expect(['ERROR_TIMEOUT', 'ERROR_UNKNOWN_ERROR']).toContain(a.code);
        expect(a.ms).toBeLessThan(5000);
      }
      expect(report.retried).toBeGreaterThan(0);
      const after = createDb(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
      await expectLoadInLedger(after, report);
      await expectSound(after);
      await after.destroy();
      figures.push(`database restart (${mode}): ${report.requests} requests, ${report.retried} answered 500 or unanswered and retried, ` +
        `slowest answer while down ${Math.max(...downAnswers.map((a) => a.ms))} ms, recovered without a server restart`);
    } finally {
      await server.stop();
      await admin.destroy();
      await database.drop();
    }
  });
});

describe('a database outage across a minute boundary (#28)', () => {
  it('neither one process nor a worker of a cluster dies while the job queue\'s cron meets the outage, and both answer again by themselves afterwards', async () => {
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    const admin = createDb(database.ownerUrl.replace(`/${name}`, '/postgres'), { poolMax: 1, statementTimeoutMs: 10_000 });
    const env = { DATABASE_URL: database.url, MIGRATION_DATABASE_URL: database.ownerUrl, DB_STATEMENT_TIMEOUT_MS: '1000' };
    const single = await ServerProcess.start(env);
    const clustered = await ServerProcess.start({ ...env, WEB_CONCURRENCY: '2' });
    try {
      const { players, sessions } = await givenPlayers(single.url, 1, 'minute');
      const balance = (server: ServerProcess) =>
        walletCall(server.url, '/wallet/balance', { playerId: players[0], sessionId: sessions.get(players[0]), currency: 'EUR', gameId: 'chaos-slot' });
      const workers = await eventually('the cluster\'s workers', async () => clustered.workers(), (pids) => pids.length === 2, { within: 10_000, every: 100 });
      expect(workers).toHaveLength(2);
      // down from 6 s before a minute starts until 6 s after: graphile-worker's cron (the payout sweep, every minute) meets it
      await new Promise((r) => setTimeout(r, ((54 - new Date().getSeconds() + 60) % 60) * 1000));
      await admin.raw(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?', [name]);
      await new Promise((r) => setTimeout(r, 12_000));
      for (const server of [single, clustered]) {
        if (!server.alive) process.stdout.write(`SERVER OUTPUT:\n${server.output.join('')}\n`);
        expect(server.alive).toBe(true);
      }
      await admin.raw(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      for (const server of [single, clustered]) {
        const answered = await eventually('a balance after the outage', async () => (await balance(server))?.status, (status) => status === 200,
          { within: 30_000, every: 500 });
        expect(answered).toBe(200);
      }
      const queue = await eventually('the job queue after the outage',
        async () => (await (await fetch(`${single.url}/readyz`)).json()).jobQueue as { running: boolean; restarts: number } | undefined,
        (state) => state?.running === true, { within: 40_000, every: 500 });
      expect(queue?.running).toBe(true);
      expect(single.alive).toBe(true);
      // a worker that died would have been replaced by the primary, which stays up either way: the same two must serve
      expect(clustered.alive).toBe(true);
      expect(clustered.workers().sort()).toEqual(workers.sort());
      figures.push(`outage across a minute boundary: one process and a cluster of two stayed up, no worker replaced; job queue restarted ${queue?.restarts} time(s); answering again within the backoff`);
    } finally {
      await single.stop();
      await clustered.stop();
      await admin.destroy();
      await database.drop();
    }
  }, 120_000);
});

describe('kill -9 while paid deposits are being credited (#29)', () => {
  it('credits each paid charge exactly once after the restart, as its callbacks come again', async () => {
    const fake = await new FakeJumppag().start();
    const settings = fake.settings();
    await withServerEnv({ JUMPPAG_BASE_URL: settings.baseUrl, JUMPPAG_CLIENT_ID: settings.clientId, JUMPPAG_CLIENT_SECRET: settings.clientSecret,
      JUMPPAG_WEBHOOK_SECRET: settings.webhookSecret, JUMPPAG_PAYIN_PAYER_GUARANTEED: '1', PAYOUT_DEFAULT_PROVIDER: 'jumppag' }, async (server, db) => {
      const ids: string[] = [];
      for (let i = 0; i < 30; i += 1) {
        await operatorCall(server.url, 'POST', '/players', { playerId: `pix-${i}`, currency: 'BRL', documentNumber: PLAYER_CPF });
        ids.push(String((await operatorCall(server.url, 'POST', `/players/pix-${i}/deposits`, { amount: '25.00', transactionId: `pix-dep-${i}` })).depositId));
      }
      const payments = ids.map((id) => fake.setPayment(id, 'paid'));
      const callbacks = () => Promise.all(payments.map((p) => fake.notifyPayment(`${server.url}/webhooks/deposits/jumppag`, [p]).catch(() => 0)));
      const creditedSoFar = async () => Number((await db('transfers').where({ kind: 'deposit_credit' }).whereIn('reference', ids).count({ n: '*' }))[0].n);
      const during = callbacks();
      // killed in the middle of the burst: some charges credited, others paid at the provider and not yet credited here
      for (let waited = 0; (await creditedSoFar()) < 3 && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      await server.kill9();
      const atKill = await creditedSoFar();
      const answered = (await during).filter((status) => status === 200).length;
      expect(atKill).toBeLessThan(ids.length);
      await server.restart();
      await callbacks(); // Jumppag sends a callback again until it is answered 2xx
      const credits = await db('transfers').where({ kind: 'deposit_credit' }).whereIn('reference', ids).count({ n: '*' });
      expect(credits).toEqual([{ n: String(ids.length) }]);
      expect(new Set((await db('deposits').whereIn('id', ids).select('status')).map((d) => d.status))).toEqual(new Set(['credited']));
      const balances = await db('accounts as a').join('players as p', 'p.id', 'a.player_id').where('p.external_id', 'like', 'pix-%').select('a.balance');
      expect(new Set(balances.map((b: { balance: string }) => b.balance))).toEqual(new Set(['2500']));
      await expectSound(db);
      figures.push(`deposits: 30 paid charges, kill -9 while their callbacks were being credited (${atKill} credited, ${answered} callbacks answered before it), each credited once after the restart`);
    });
    await fake.stop();
  });
});

describe('every core: a cluster of workers on one port (#30)', () => {
  it('keeps every movement once and every balance right while a worker is killed and replaced, reports the whole server on /metrics, and drains on SIGTERM', async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
    const server = await ServerProcess.start({ DATABASE_URL: database.url, MIGRATION_DATABASE_URL: database.ownerUrl, WEB_CONCURRENCY: '3' });
    try {
      const workers = () => server.workers();
      const threeWorkers = () => eventually('three workers', async () => workers(), (pids) => pids.length === 3, { within: 10_000, every: 100 });
      const first = await threeWorkers();
      expect(first).toHaveLength(3);
      const { players, sessions } = await givenPlayers(server.url, 12, 'cluster');
      let killed = false;
      const load = driveLoad({ target: () => server.url, players, sessions, rounds: 40, startCents: 50_000n });
      await new Promise((r) => setTimeout(r, 500));
      process.kill(first[1], 'SIGKILL');
      killed = true;
      const report = await load;
      expect(killed).toBe(true);
      await expectLoadInLedger(db, report);
      await expectSound(db);
      await threeWorkers();
      expect(workers()).toHaveLength(3);
      expect(workers()).not.toContain(first[1]);
      // the whole server's count, whichever worker answers: every withdraw the load made, summed over the workers
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const counted = [...metrics.matchAll(/^wallet_http_requests_total\{route="\/wallet\/withdraw",method="POST",status="200"\} (\d+)$/gm)].map((m) => Number(m[1]));
      expect(counted).toHaveLength(1);
      expect(counted[0]).toBeGreaterThan(0);
      // the cluster's one group commit runs in the primary, which reports its counts once beside the workers'
      const committed = [...metrics.matchAll(/^wallet_group_commit_calls_total\{way="(\w+)"\} (\d+)$/gm)].map((m) => m[1]);
      expect(committed.sort()).toEqual(['alone', 'batched', 'retried']);
      // and its own connections, which the workers' pools do not count
      expect(metrics.match(/^# TYPE wallet_group_commit_db_connections gauge$/gm)).toHaveLength(1);
      expect(metrics).toMatch(/^wallet_group_commit_db_connections\{state="free"\} \d+$/m);
      expect(await server.stop()).toBe(0);
      expect(workers()).toEqual([]); // every worker ended
      figures.push(`cluster: 3 workers, ${report.requests} requests, one worker kill -9'd and replaced, ${report.retried} retried, ${report.moved.length} movements, each once; /metrics summed ${counted[0]} accepted withdraws over the workers; SIGTERM drained all, exit 0`);
    } finally {
      await server.stop();
      await db.destroy();
      await database.drop();
    }
  });
});

describe('several instances on one database', () => {
  let servers: ServerProcess[];
  let fake: FakeJumppag;
  let database: { url: string; ownerUrl: string; drop: () => Promise<void> };
  let db: Knex;

  beforeAll(async () => {
    fake = await new FakeJumppag().start();
    database = await createTestDatabase();
    db = createDb(database.url, { poolMax: 2, statementTimeoutMs: 10_000 });
    const settings = fake.settings();
    const env = {
      DATABASE_URL: database.url,
      MIGRATION_DATABASE_URL: database.ownerUrl,
      JUMPPAG_BASE_URL: settings.baseUrl,
      JUMPPAG_CLIENT_ID: settings.clientId,
      JUMPPAG_CLIENT_SECRET: settings.clientSecret,
      JUMPPAG_WEBHOOK_SECRET: settings.webhookSecret,
      PAYOUT_DEFAULT_PROVIDER: 'jumppag',
    };
    servers = await Promise.all([0, 1, 2].map(() => ServerProcess.start(env)));
  });

  afterAll(async () => {
    for (const exit of await Promise.all(servers.map((s) => s.stop()))) expect(exit).toBe(0);
    await expectSound(db);
    await db.destroy();
    await database.drop();
    await fake.stop();
  });

  it('moves money once when the same transactionId reaches three instances at once', async () => {
    const { players, sessions } = await givenPlayers(servers[0].url, 1, 'same-id');
    for (let i = 0; i < 20; i += 1) {
      const body = {
        playerId: players[0], sessionId: sessions.get(players[0]), currency: 'EUR', gameId: 'chaos-slot', gameRoundId: `same-${i}`,
        transactionId: `same-${i}-bet`, amount: 1, cashAmount: 1, jackpotAmount: null, isGameRoundFinished: false,
      };
      const answers = await Promise.all(servers.map((s) => walletCall(s.url, '/wallet/withdraw', body)));
      expect(new Set(answers.map((a) => JSON.stringify({ status: a!.status, balance: a!.body.balance }))).size).toBe(1);
    }
    expect(await db('ledger_movements').where('kind', 'bet').where('reference', 'like', 'same-%').count({ n: '*' })).toEqual([{ n: '20' }]);
    const [account] = await db('accounts as a').join('players as p', 'p.id', 'a.player_id').where('p.external_id', players[0]).select('a.balance');
    expect(account.balance).toBe(String(50_000 - 20 * 100));
  });

  it('keeps every balance right with load spread over the instances', async () => {
    const { players, sessions } = await givenPlayers(servers[1].url, 12, 'spread');
    let next = 0;
    const report = await driveLoad({ target: () => servers[next++ % servers.length].url, players, sessions, rounds: 30, startCents: 50_000n });
    await expectLoadInLedger(db, report);
    figures.push(`three instances: ${report.requests} requests spread round-robin, 20 ids raced on all three, each moved once`);
  });

  it("sends each payout exactly once although every instance's worker competes for it", async () => {
    await operatorCall(servers[0].url, 'POST', '/players', { playerId: 'payee', currency: 'BRL', documentNumber: PLAYER_CPF });
    await operatorCall(servers[0].url, 'POST', '/players/payee/topups', { amount: '10000.00', transactionId: 'payee-seed' });
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const created = await operatorCall(servers[i % 3].url, 'POST', '/players/payee/payouts', { amount: `${10 + i}.00`, pixKey: PLAYER_CPF, transactionId: `multi-${i}` });
      ids.push(String(created.payoutId));
    }
    await eventually('payouts still requested', async () => (await db('payouts').whereIn('id', ids).where('status', 'requested').count({ n: '*' }))[0].n,
      (n) => n === '0', { within: 30_000, every: 200 });
    expect(await db('payouts').whereIn('id', ids).distinct('status')).toEqual([{ status: 'processing' }]);
    for (const id of ids) expect(fake.createsOf(id)).toBe(1);
    figures.push(`payouts: 30 requested across three instances with three workers, 30 sends, none twice`);
  });
});

describe('slow clients', () => {
  it('a client dribbling its headers is cut off after the headers timeout while others are served', async () => {
    await withServer(async (server) => {
      const started = Date.now();
      const socket = net.connect(server.port, '127.0.0.1');
      socket.write('POST /wallet/withdraw HTTP/1.1\r\nHost: x\r\n');
      const dribble = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
      socket.on('error', () => undefined);
      await fetch(`${server.url}/healthz`).then((r) => expect(r.status).toBe(200));
      const after = await closed;
      clearInterval(dribble);
      expect(after).toBeGreaterThanOrEqual(9_000);
      expect(after).toBeLessThan(20_000);
      figures.push(`slowloris: a client dribbling headers was cut off after ${(after / 1000).toFixed(1)} s; others were served meanwhile`);
    });
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM finishes the calls in flight, refuses new connections and exits 0', async () => {
    await withServer(async (server, db) => {
      const { players, sessions } = await givenPlayers(server.url, 30, 'term');
      const inFlight = players.map((playerId) =>
        walletCall(server.url, '/wallet/withdraw', {
          playerId, sessionId: sessions.get(playerId), currency: 'EUR', gameId: 'chaos-slot', gameRoundId: 'last',
          transactionId: `${playerId}-last`, amount: 1, cashAmount: 1, jackpotAmount: null, isGameRoundFinished: false,
        }),
      );
      await new Promise((r) => setTimeout(r, 5));
      const exit = server.stop('SIGTERM');
      const answers = await Promise.all(inFlight);
      expect(await exit).toBe(0);
      const answered = answers.filter((a) => a?.status === 200).length;
      // each call either completed (and is in the ledger) or never reached the server; none is half done
      expect(await db('ledger_movements').where('kind', 'bet').count({ n: '*' })).toEqual([{ n: String(answered) }]);
      expect(await walletCall(server.url, '/wallet/balance', {})).toBeUndefined();
      await expectSound(db);
      figures.push(`graceful shutdown: ${answered} of 30 calls in flight at SIGTERM answered 200 and are in the ledger, the other ${30 - answered} got no answer and moved nothing, exit 0`);
    });
  });

  it('a clean stop on the embedded PostgreSQL logs no error and no warning, and leaves no PostgreSQL running', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-stop-'));
    fs.chmodSync(dataDir, 0o755);
    try {
      const server = await ServerProcess.start({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'info' });
      expect((await walletCall(server.url, '/wallet/balance', {}))?.status).toBe(400); // it serves
      expect(await server.stop('SIGTERM')).toBe(0);
      const lines = server.output.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; message: string });
      expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
      expect(lines.map((l) => l.message)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
