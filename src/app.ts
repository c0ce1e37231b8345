import { createServer, Server, ServerOptions } from 'node:http';
import express, { Express } from 'express';
import helmet from 'helmet';
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { secretBox, SecretBox, traceRequests } from './http';
import { Logger } from './log';
import { NO_PROTECTION, operatorAuth, operatorRouter } from './operator';
import { consoleRoutes } from './console';
import { buildProviders, PayoutEngine, payoutApproval, payoutOperatorRoutes, payoutWebhookRoutes } from './payouts';
import { DepositEngine, depositOperatorRoutes, depositReturnApproval, depositWebhookRoutes } from './deposits';
import { kycJobs, kycOperatorRoutes, kycWebhookRoutes, SumsubClient } from './kyc';
import { LaunchConfig, PayoutsConfig, ProtectionConfig, SIGAP_COLUMN_NAMES, SumsubSettings } from './config';
import { Protection, protectionRoutes } from './protection';
import { Commits, Door, doors, fizzyBubblyDoor, fizzyBubblyFallback, fizzyBubblyLauncher, hub88Door, LAUNCH_PATH, walletService } from './wallet';
import { reportRoutes } from './reports';
import { createMetrics, JobQueueProbe, operationsRoutes } from './metrics';
import type { Worker } from './jobs';
import { docsRoutes } from './openapi';

export interface AppOptions {
  db: Knex;
  logger: Logger;
  operatorToken: string;
  walletPublicUrl: string | undefined;
  payouts: PayoutsConfig;
  /** Where the heavy reports and CSV exports read (REPORTS_DATABASE_URL, a standby); the primary when absent. */
  reportsDb?: Knex;
  /** Statement timeout of reports and ledger-check; 5 minutes when absent. */
  reportTimeoutMs?: number;
  /** Wrong operator tokens one address may send per 15 minutes (20 when absent). */
  operatorAuthFailureLimit?: number;
  trustProxy?: string;
  /** When set, /metrics wants `Authorization: Bearer <it>`. */
  metricsToken?: string;
  /** Wallet group commit (README "Benchmark"): batches in flight and calls per batch; 4 and 64 when absent. */
  walletBatch?: { slots: number; maxCalls: number };
  /** Where wallet calls are committed when not in this process: a cluster worker's primary (src/wallet/hub.ts). */
  walletCommits?: Commits;
  /** Every wallet call is answered within this (WALLET_DEADLINE_MS), with "outcome unknown" if it must; 4 s when absent. */
  walletDeadlineMs?: number;
  /** The aggregator's launch call (FB_API_URL); absent, launching answers 503 LAUNCH_NOT_CONFIGURED. */
  launch?: LaunchConfig;
  /** Four eyes (APPROVAL_THRESHOLD): per currency, the adjustment above which a second person must approve. */
  approvalThresholds?: Record<string, string>;
  /** JURISDICTION's rules (docs/protection.md); absent, none. */
  protection?: ProtectionConfig;
  /** Money requests (top-ups, adjustments, payouts, approval decisions) one person may make a minute; 300 when absent. */
  moneyRateLimit?: number;
  /** Seals the aggregators' HMAC keys at rest (SECRETS_KEY); absent, a key of this process only (tests). */
  secrets?: SecretBox;
  /** Identity verification by Sumsub (SUMSUB_*); absent, starting one answers 503 KYC_NOT_CONFIGURED. */
  kyc?: SumsubSettings;
}

/**
 * The express app. `app.locals.payoutEngine` is the engine the payout worker runs; `app.locals.walletDoor` serves
 * the four wallet routes in front of it (createHttpServer).
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  const secrets = options.secrets ?? secretBox(randomBytes(32));
  const providers = buildProviders(options.payouts);
  const payoutEngine = new PayoutEngine(options.db, providers, options.payouts, options.logger);
  app.locals.payoutEngine = payoutEngine;
  const protection = options.protection ? new Protection({ db: options.db, config: options.protection, logger: options.logger, payouts: options.payouts,
    approvalThresholds: options.approvalThresholds ?? {} }) : undefined;
  app.locals.protection = protection;
  const depositEngine = new DepositEngine(options.db, providers, protection ?? NO_PROTECTION, options.logger, options.payouts.pollTimeScale ?? 1);
  app.locals.depositEngine = depositEngine;
  app.disable('x-powered-by');
  if (options.trustProxy) app.set('trust proxy', /^\d+$/.test(options.trustProxy) ? Number(options.trustProxy) : options.trustProxy);
  // the console and /docs load only same-origin assets, so upgrading them to https buys nothing behind TLS and
  // breaks them where an operator reaches the server over plain http on a private address
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.set('etag', false);
  app.use(traceRequests(options.logger));
  // set by whoever starts this app's job queue (main.ts), read by /readyz and /metrics
  const jobQueue: JobQueueProbe = () => (app.locals.jobQueue as Worker | undefined)?.health();
  // one wallet service (one group commit, this process's or its cluster's) behind every aggregator's contract
  const wallet = walletService(options.db, { ...(options.walletBatch ?? { slots: 4, maxCalls: 64 }), deadlineMs: options.walletDeadlineMs, commits: options.walletCommits });
  const metrics = createMetrics(options.db, jobQueue, wallet.commits.stats);
  app.use(metrics.observe);
  app.use(operationsRoutes(options.db, metrics, options.metricsToken, jobQueue));
  app.use(docsRoutes());
  // a client registered or disabled through this instance is honoured (or refused) here at once
  const keyChanges = new EventEmitter();
  const onKeysChanged = (listener: () => void) => keyChanges.on('changed', listener);
  app.locals.walletDoor = doors(
    fizzyBubblyDoor({ db: options.db, publicUrl: options.walletPublicUrl, wallet, secrets, logger: options.logger, record: metrics.record, onKeysChanged }),
    hub88Door({ db: options.db, wallet, logger: options.logger, record: metrics.record, onKeysChanged }),
  );
  fizzyBubblyFallback(app);
  app.use(payoutWebhookRoutes(payoutEngine));
  app.use(depositWebhookRoutes(depositEngine));
  const sumsub = options.kyc ? new SumsubClient(options.kyc) : undefined;
  app.use(kycWebhookRoutes(options.db, sumsub, options.kyc));
  app.locals.kycJobs = sumsub ? kycJobs(options.db, sumsub) : undefined;
  const auth = operatorAuth(options.db, options.operatorToken, options.operatorAuthFailureLimit ?? 20);
  const launcher = options.launch
    ? fizzyBubblyLauncher(options.launch, options.logger, (outcome) => metrics.countAggregatorCall('fizzy-bubbly', LAUNCH_PATH, outcome))
    : undefined;
  app.use('/operator', operatorRouter(options.db, auth, {
    secrets,
    keysChanged: () => keyChanges.emit('changed'),
    moneyRateLimit: options.moneyRateLimit,
    launcher,
    protection,
    approvalThresholds: options.approvalThresholds ?? {},
    approvalSubjects: { payout: payoutApproval, deposit_return: depositReturnApproval },
    extra: [
      payoutOperatorRoutes(options.db, options.payouts, payoutEngine, options.approvalThresholds ?? {}),
      depositOperatorRoutes(options.db, options.payouts, depositEngine, protection ?? NO_PROTECTION),
      reportRoutes(options.db, { timeoutMs: options.reportTimeoutMs ?? 300_000,
        sigap: { timeZone: options.protection?.timeZone ?? 'UTC', columns: options.protection?.sigapColumns ?? SIGAP_COLUMN_NAMES } }, options.reportsDb),
      protectionRoutes(options.db, protection),
      kycOperatorRoutes(options.db, sumsub),
    ],
  }));
  app.use(consoleRoutes(auth));
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no endpoint ${req.method} ${req.path}`, traceId: req.traceId } });
  });
  return app;
}

/** The HTTP server: the wallet's door first (node:http), then the Express app for every other request. */
export function createHttpServer(app: Express, options: ServerOptions = {}): Server {
  const door = app.locals.walletDoor as Door;
  return createServer(options, (req, res) => {
    if (!door(req, res)) app(req as express.Request, res as express.Response);
  });
}
