import { RequestHandler, Router } from 'express';
import { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { clusterMetricsOf } from './cluster';
import { pendingMigrations } from './db';
import { secretMatcher } from './http';
import { OPERATIONS } from './openapi';
import { KYC_STATUSES } from './kyc';
import type { GroupCommitStats } from './wallet';

/** Each app has its own registry, so several apps in one process (the tests) never clash. */
export interface Metrics {
  registry: Registry;
  /** Times every request by route (the pattern, never the raw path), method and status. */
  observe: RequestHandler;
  /** The same for a request served outside Express (the wallet's own door). */
  record(route: string, method: string, status: number, seconds: number): void;
  /** Counts one call this server made to an aggregator, by its outcome. */
  countAggregatorCall(aggregator: string, call: string, outcome: string): void;
  /** The Prometheus text: this process's, or in a cluster the whole server's (src/cluster.ts). */
  text(): Promise<string>;
}

/** Every documented operation as a matcher of its path, labelled as Express writes the route (`:playerId`). */
const DOCUMENTED = OPERATIONS.map((op) => ({
  method: op.method.toUpperCase(),
  pattern: new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`),
  label: op.path.replace(/\{(\w+)\}/g, ':$1'),
}));
/** Static files, by their folder: never one label per file. */
const STATIC = ['/console/assets', '/docs'];

/**
 * The route a request is counted under: the pattern that served it; for one refused before its handler (401,
 * 413, 415, malformed JSON), the documented operation its method and path name; a static file's folder; else
 * `unmatched`, never the raw path, so a scanner cannot blow up the label set.
 */
function routeOf(req: Parameters<RequestHandler>[0]): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  const path = (req.originalUrl ?? req.url).split('?')[0];
  const documented = DOCUMENTED.find((op) => op.method === req.method && op.pattern.test(path));
  if (documented) return documented.label;
  return STATIC.find((folder) => path === folder || path.startsWith(`${folder}/`)) ?? 'unmatched';
}

async function rows<T>(db: Knex, sql: string): Promise<T[]> {
  return (await db.raw<{ rows: T[] }>(sql)).rows;
}

/** A gauge of a table's rows by their status, counted at each scrape. */
function countByStatus(registry: Registry, db: Knex, name: string, help: string, table: 'payouts' | 'deposits'): void {
  new Gauge({
    name,
    aggregator: 'first', // read from the database: the same in every worker of a cluster
    help,
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await rows<{ status: string; n: number }>(db, `SELECT status, count(*)::int AS n FROM ${table} GROUP BY status`)) this.set({ status: r.status }, r.n);
    },
  });
}

/** The job queue's health, once this process runs one (main.ts sets it after the app is made). */
export type JobQueueProbe = () => { running: boolean; restarts: number; lastError: string | null } | undefined;

/**
 * Request rate and latency per route and status, process metrics, and at each scrape: the ledger position of
 * every system account (house = gross gaming result so far, payout accounts = money in flight and paid out,
 * funding = top-ups), payouts and deposits per state, jobs waiting in the queue, and the connection pool.
 * `commits`: the counts of the wallet's group commit, where it runs in this process. A cluster's workers hand their calls to the
 * primary (src/wallet/hub.ts), which then reports these counts itself, once for the whole server.
 */
export function createMetrics(db: Knex, jobQueue: JobQueueProbe = () => undefined, commits?: GroupCommitStats): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'wallet_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const requests = new Counter({ name: 'wallet_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
  new Gauge({
    name: 'wallet_ledger_system_balance_minor',
    aggregator: 'first', // read from the database: the same in every worker of a cluster
    help: 'Balance of the system accounts in minor units, by kind and currency (house shards added up)',
    labelNames: ['kind', 'currency'],
    registers: [registry],
    async collect() {
      this.reset();
      const found = await rows<{ kind: string; currency: string; total: string }>(db,
        'SELECT kind, currency, sum(balance)::text AS total FROM accounts WHERE player_id IS NULL GROUP BY kind, currency');
      for (const r of found) this.set({ kind: r.kind, currency: r.currency }, Number(r.total));
    },
  });
  countByStatus(registry, db, 'wallet_payouts', 'Payouts by state', 'payouts');
  countByStatus(registry, db, 'wallet_deposits', 'PIX deposits by state', 'deposits');
  new Gauge({
    name: 'wallet_kyc_players',
    aggregator: 'first', // read from the database: the same in every worker of a cluster
    help: 'Players whose identity verification needs attention, by state (docs/kyc.md): every state but none and verified',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      // read through the partial index players_kyc_review, so a scrape costs the players in review, not every player
      const counted = await rows<{ state: string; n: number }>(db,
        `SELECT kyc_status AS state, count(*)::int AS n FROM players WHERE kyc_status NOT IN ('none', 'verified') GROUP BY kyc_status`);
      for (const state of KYC_STATUSES.filter((s) => s !== 'none' && s !== 'verified')) this.set({ state }, counted.find((r) => r.state === state)?.n ?? 0);
    },
  });
  new Gauge({
    name: 'wallet_job_queue_depth',
    aggregator: 'first', // read from the database: the same in every worker of a cluster
    help: 'Jobs waiting or running in the durable queue (payout sends and checks)',
    registers: [registry],
    async collect() {
      const [r] = await rows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM graphile_worker._private_jobs');
      this.set(r.n);
    },
  });
  new Gauge({
    name: 'wallet_job_queue_running',
    help: 'Whether this instance\'s job queue runs (1) or waits to restart after a database outage (0)',
    registers: [registry],
    collect() {
      const health = jobQueue();
      if (health) this.set(health.running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'wallet_job_queue_restarts',
    help: 'How often this instance restarted its job queue since it started',
    registers: [registry],
    collect() {
      const health = jobQueue();
      if (health) this.set(health.restarts);
    },
  });
  if (commits) registerGroupCommitMetrics(registry, commits);
  registerPoolMetrics(registry, db, 'wallet_db_pool_connections', 'Database pool connections by state (used, free, pending acquires)');
  const aggregatorCalls = new Counter({
    name: 'wallet_aggregator_calls_total',
    help: 'Calls this server made to an aggregator (game launches), by aggregator, call and outcome',
    labelNames: ['aggregator', 'call', 'outcome'],
    registers: [registry],
  });
  const record = (route: string, method: string, status: number, seconds: number) => {
    const labels = { route, method, status: String(status) };
    duration.observe(labels, seconds);
    requests.inc(labels);
  };
  const observe: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => record(routeOf(req), req.method, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  };
  const countAggregatorCall = (aggregator: string, call: string, outcome: string) => aggregatorCalls.inc({ aggregator, call, outcome });
  const text = clusterMetricsOf(registry) ?? (() => registry.metrics());
  return { registry, observe, record, countAggregatorCall, text };
}

/**
 * /healthz: the process is up. /readyz: the database answers and its schema is current, so a load balancer sends
 * traffic only to instances that can serve it. /metrics: Prometheus text, behind METRICS_TOKEN when set.
 */
export function operationsRoutes(db: Knex, metrics: Metrics, metricsToken: string | undefined, jobQueue: JobQueueProbe = () => undefined): Router {
  const router = Router();
  const isMetricsToken = metricsToken ? secretMatcher(`Bearer ${metricsToken}`) : undefined;
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // the job queue's state is shown, not counted against readiness: the wallet serves bets while it restarts
  router.get('/readyz', async (_req, res) => {
    const health = jobQueue();
    const queue = health ? { jobQueue: health } : {};
    try {
      const pending = await pendingMigrations(db);
      if (pending > 0) {
        res.status(503).json({ status: 'not_ready', reason: `${pending} migration(s) pending`, ...queue });
        return;
      }
      res.json({ status: 'ready', ...queue });
    } catch {
      res.status(503).json({ status: 'not_ready', reason: 'the database does not answer', ...queue });
    }
  });
  router.get('/metrics', async (req, res) => {
    if (isMetricsToken && !isMetricsToken(req.get('authorization') ?? '')) {
      res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token', traceId: req.traceId } });
      return;
    }
    try {
      const text = await metrics.text();
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.end(text);
    } catch (error) {
      req.log.error('metrics failed', { error: (error as Error).message });
      res.status(503).json({ error: { code: 'METRICS_UNAVAILABLE', message: 'the database does not answer', traceId: req.traceId } });
    }
  });
  return router;
}

/** A knex pool's connections by state, read at each scrape. */
export function registerPoolMetrics(registry: Registry, db: Knex, name: string, help: string): void {
  const pool = () => (db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  new Gauge({
    name,
    help,
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = pool();
      if (!p) return;
      this.set({ state: 'used' }, p.numUsed());
      this.set({ state: 'free' }, p.numFree());
      this.set({ state: 'pending' }, p.numPendingAcquires());
    },
  });
}

/**
 * How the wallet's calls were committed, read from the group commit's own counts at each scrape: calls per commit
 * is (alone + batched + retried) / (alone + retried + batches).
 */
export function registerGroupCommitMetrics(registry: Registry, stats: GroupCommitStats): void {
  new Counter({
    name: 'wallet_group_commit_calls_total',
    help: 'Wallet calls by how they were committed: alone (a slot was free), batched (with others, one commit), retried (alone again after their batch failed)',
    labelNames: ['way'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ way: 'alone' }, stats.alone);
      this.inc({ way: 'batched' }, stats.batchedCalls);
      this.inc({ way: 'retried' }, stats.retriedAlone);
    },
  });
  new Counter({
    name: 'wallet_group_commit_batches_total',
    help: 'Batches of more than one wallet call committed together',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats.batches);
    },
  });
}
