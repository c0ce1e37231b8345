import supertest from 'supertest';
import { createApp } from '../../src/app';
import { createDb } from '../../src/db';
import { createLogger } from '../../src/log';
import { givenAggregator, givenPlay, PUBLIC_URL, signedPost, withdrawBody } from '../support/wallet';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ walletPublicUrl: PUBLIC_URL });
  const fb = await givenAggregator(t);
  const play = await givenPlay(t, 'metered', '100');
  await signedPost(t, fb, '/wallet/withdraw', withdrawBody(play, { transactionId: 'm-1', gameRoundId: 'm', amount: 2.5 })).expect(200);
});
afterAll(() => t.close());

const quiet = createLogger('error');
const unreachable = () =>
  createApp({
    db: createDb('postgres://nobody:nothing@127.0.0.1:1/none', { poolMax: 2, statementTimeoutMs: 500, logger: quiet }),
    logger: quiet,
    operatorToken: 'x'.repeat(32),
    walletPublicUrl: undefined,
    payouts: { providers: {}, defaultProvider: undefined, minAmount: '1.00', maxAmount: '50000.00' },
  });

describe('GET /healthz and /readyz', () => {
  it('healthz says the process is up', async () => {
    expect((await t.http.get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('readyz is 200 when the database answers and no migration is pending', async () => {
    expect((await t.http.get('/readyz').expect(200)).body).toEqual({ status: 'ready' });
  });

  it('readyz is 503 when the database does not answer, while healthz stays 200', async () => {
    const app = unreachable();
    expect((await supertest(app).get('/readyz').expect(503)).body).toEqual({ status: 'not_ready', reason: 'the database does not answer' });
    await supertest(app).get('/healthz').expect(200);
  });
});

describe('the job queue in /readyz and /metrics', () => {
  it('shows whether it runs and how often it restarted, without counting it against readiness', async () => {
    t.app.locals.jobQueue = { health: () => ({ running: false, restarts: 3, lastError: 'Connection terminated unexpectedly' }) };
    try {
      expect((await t.http.get('/readyz').expect(200)).body).toEqual({ status: 'ready', jobQueue: { running: false, restarts: 3, lastError: 'Connection terminated unexpectedly' } });
      const text = (await t.http.get('/metrics').expect(200)).text;
      expect(text).toContain('wallet_job_queue_running 0');
      expect(text).toContain('wallet_job_queue_restarts 3');
    } finally {
      delete t.app.locals.jobQueue;
    }
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text: requests by route and status, latency, ledger positions, payouts, queue, pool and group commit', async () => {
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toMatch(/wallet_http_requests_total\{route="\/wallet\/withdraw",method="POST",status="200"\} 1/);
    expect(text).toMatch(/wallet_http_request_duration_seconds_bucket\{le="[^"]+",route="\/wallet\/withdraw",method="POST",status="200"\}/);
    expect(text).toMatch(/wallet_http_requests_total\{route="\/operator\/players\/:playerId\/topups",method="POST",status="200"\} 1/);
    expect(text).toContain('wallet_ledger_system_balance_minor{kind="house",currency="EUR"} 250');
    expect(text).toContain('wallet_ledger_system_balance_minor{kind="operator_funding",currency="EUR"} -10000');
    expect(text).toMatch(/wallet_job_queue_depth \d+/);
    expect(text).toMatch(/wallet_db_pool_connections\{state="used"\} \d+/);
    // the one bet found a slot free and committed alone
    expect(text).toContain('wallet_group_commit_calls_total{way="alone"} 1');
    expect(text).toContain('wallet_group_commit_batches_total 0');
    expect(text).toContain('# TYPE wallet_payouts gauge');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('labels unknown paths as unmatched, never by their raw path', async () => {
    await t.http.get('/no/such/path-12345').expect(404);
    const text = (await t.http.get('/metrics')).text;
    expect(text).not.toContain('path-12345');
    expect(text).toMatch(/wallet_http_requests_total\{route="unmatched",method="GET",status="404"\} \d/);
  });

  it('labels a request refused before its handler (401, 415, malformed JSON) by the route it named, and static files by their folder', async () => {
    await t.http.post('/operator/players/someone/topups').send({}).expect(401);
    await t.operator('post', '/players/someone/topups').set('Content-Type', 'text/plain').send('x').expect(415);
    await t.operator('post', '/players/someone/topups').set('Content-Type', 'application/json').send('{').expect(400);
    await t.http.get('/console/assets/app.js').expect(200);
    const text = (await t.http.get('/metrics')).text;
    for (const status of [401, 415, 400]) {
      expect(text).toMatch(new RegExp(`wallet_http_requests_total\\{route="/operator/players/:playerId/topups",method="POST",status="${status}"\\} \\d`));
    }
    expect(text).toMatch(/wallet_http_requests_total\{route="\/console\/assets",method="GET",status="200"\} \d/);
    expect(text).not.toContain('route="/operator/players/someone');
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const app = createApp({ db: t.db, logger: createLogger('error'), operatorToken: 'x'.repeat(32), walletPublicUrl: undefined,
      payouts: { providers: {}, defaultProvider: undefined, minAmount: '1.00', maxAmount: '50000.00' }, metricsToken: 'scrape-secret' });
    await supertest(app).get('/metrics').expect(401);
    await supertest(app).get('/metrics').set('Authorization', 'Bearer scrape-secret').expect(200);
  });
});
