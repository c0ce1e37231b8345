import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { Registry } from 'prom-client';
import { ConfigError, loadConfig, Config } from './config';
import { createDb, migrate, startEmbeddedPostgres, Db, ensureRuntimeRole, isDatabaseAway, roleOf, unsafeRuntimeRole } from './db';
import { createLogger, Logger } from './log';
import { createApp, createHttpServer } from './app';
import { GroupCommit, primaryCommits, serveWalletCalls } from './wallet';
import { fourEyesOn, sealStoredSecrets, upsertHmacClient } from './operator';
import { secretBox } from './http';
import { payoutJobs } from './payouts';
import { depositJobs } from './deposits';
import { startWorker } from './jobs';
import { auditCheckpointJobs } from './audit';
import { applyJurisdiction } from './protection';
import { applyKycRequirement } from './kyc';
import { commitsInPrimary, isClusterWorker, primaryPort, runPrimary, runsJobQueue } from './cluster';
import { registerGroupCommitMetrics, registerPoolMetrics } from './metrics';

/** A development secret kept under DATA_DIR: the one made before, or `make`'s, written once (only its owner reads it). */
function keptInDataDir(dataDir: string, name: string, make: () => string): { value: string; made: boolean } {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, 'utf8').trim(), made: false };
  const value = make();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, made: true };
}

/** In development without OPERATOR_TOKEN, one token is generated, kept under DATA_DIR and printed once. */
function developmentToken(dataDir: string, logger: Logger): string {
  const { value, made } = keptInDataDir(dataDir, 'operator-token', () => randomBytes(24).toString('base64url'));
  if (made) logger.warn('OPERATOR_TOKEN not set: generated a development token (shown once, kept in DATA_DIR/operator-token)', { operatorToken: value });
  return value;
}

/** In development without SECRETS_KEY, one key is kept under DATA_DIR (lose it, and HMAC keys must be registered again). */
function developmentSecretsKey(dataDir: string): Buffer {
  return Buffer.from(keptInDataDir(dataDir, 'secrets-key', () => randomBytes(32).toString('base64')).value, 'base64');
}

/** The database, started if embedded, migrated by its owner; the URLs the server serves and migrates with. */
async function prepareDatabase(config: Config, logger: Logger) {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, logger);
  // two roles (docs/operations.md "Database roles"): the owner migrates, the server serves with row rights only
  const ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl ?? embedded!.url;
  const runtimeUrl = config.databaseUrl ?? (await ensureRuntimeRole(embedded!.url));
  // a cluster's primary migrated before forking: its workers only serve
  const applied = isClusterWorker() ? [] : await migrate(ownerUrl, undefined, roleOf(runtimeUrl));
  if (applied.length > 0) logger.info('migrations applied', { applied });
  return { embedded, ownerUrl, runtimeUrl };
}

/**
 * The cluster's one group commit, in the primary (WALLET_GROUP_COMMIT=cluster): every worker's wallet calls share
 * its batches (src/wallet/hub.ts), on WALLET_BATCH_SLOTS + 1 connections of its own.
 */
function clusterGroupCommit(config: Config, runtimeUrl: string, logger: Logger) {
  const connections = config.walletBatch.slots + 1;
  const db = createDb(runtimeUrl, { poolMax: connections, statementTimeoutMs: config.dbStatementTimeoutMs, logger });
  const commits = new GroupCommit(db, config.walletBatch);
  const registry = new Registry();
  registerGroupCommitMetrics(registry, commits.stats);
  registerPoolMetrics(registry, db, 'wallet_group_commit_db_connections',
    "The cluster's group commit's own database connections by state (used, free, pending acquires), in the primary");
  return { db, commits, registry, connections };
}

/**
 * A cluster's primary (WEB_CONCURRENCY > 1): the database made ready once, the development token and key made
 * once, the cluster's group commit, then the workers, each with its share of what is left of DB_POOL_MAX (at least
 * what its own group commit needs, where it has one).
 */
async function startCluster(config: Config, logger: Logger) {
  const { embedded, ownerUrl, runtimeUrl } = await prepareDatabase(config, logger);
  if (!config.operatorToken) developmentToken(config.dataDir, logger);
  if (!config.secretsKey) developmentSecretsKey(config.dataDir);
  const hub = config.walletGroupCommit === 'cluster' ? clusterGroupCommit(config, runtimeUrl, logger) : undefined;
  const share = hub
    ? Math.max(2, Math.ceil((config.dbPoolMax - hub.connections) / config.webConcurrency))
    : Math.max(config.walletBatch.slots + 1, Math.ceil(config.dbPoolMax / config.webConcurrency));
  runPrimary({
    workers: config.webConcurrency,
    env: { DATABASE_URL: runtimeUrl, MIGRATION_DATABASE_URL: ownerUrl, DB_POOL_MAX: String(share) },
    logger,
    serveWorker: hub && ((worker) => serveWalletCalls(worker, hub.commits)),
    ownMetrics: hub && (() => hub.registry.metrics()),
    afterDrain: async () => {
      await hub?.db.destroy();
      await embedded?.stop();
    },
  });
}

async function start(config: Config, logger: Logger) {
  const { embedded, runtimeUrl } = await prepareDatabase(config, logger);
  const db: Db = createDb(runtimeUrl, {
    poolMax: config.dbPoolMax,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    logger,
  });
  const reportsDb = config.reportsDatabaseUrl ? createDb(config.reportsDatabaseUrl, { poolMax: 4, statementTimeoutMs: config.reportTimeoutMs, logger }) : undefined;
  const unsafe = await unsafeRuntimeRole(db);
  if (unsafe.length > 0 && config.production) {
    throw new ConfigError(`refusing to serve: ${unsafe.join('; ')}. Set DATABASE_URL to a role with row rights only and MIGRATION_DATABASE_URL to the tables' owner (docs/operations.md "Database roles")`);
  }
  if (unsafe.length > 0) logger.warn('the server serves as a role that could rewrite history (refused in production)', { problems: unsafe });
  await applyJurisdiction(db, config.protection);
  await applyKycRequirement(db, config.kycRequired);
  if (config.kycRequired && !config.kyc) {
    logger.warn('KYC_REQUIRED without SUMSUB_BASE_URL: no player can be verified, so none can bet, deposit or be paid out (docs/kyc.md)');
  }
  if (config.protection && !config.protection.sigap) {
    logger.warn('JURISDICTION=BR without SIGAP_BASE_URL: the SPA register cannot be asked, so no player can bet or deposit (refused at start in production)');
  }
  const secrets = secretBox(config.secretsKey ?? developmentSecretsKey(config.dataDir));
  const sealed = await sealStoredSecrets(db, secrets);
  if (sealed > 0) logger.info('aggregator keys kept in plain text were sealed with SECRETS_KEY', { sealed });
  if (config.fbPublicKey && config.fbPrivateKey) {
    await upsertHmacClient(db, 'fizzy-bubbly', config.fbPublicKey, config.fbPrivateKey, secrets);
    logger.info('api client from FB_PUBLIC_KEY registered', { publicKey: config.fbPublicKey });
  }
  const token = config.operatorToken ?? developmentToken(config.dataDir, logger);
  const app = createApp({ db, logger, operatorToken: token, walletPublicUrl: config.walletPublicUrl, payouts: config.payouts, reportTimeoutMs: config.reportTimeoutMs,
    operatorAuthFailureLimit: config.operatorAuthFailureLimit, trustProxy: config.trustProxy, metricsToken: config.metricsToken,
    walletBatch: config.walletBatch, walletCommits: commitsInPrimary() ? primaryCommits(primaryPort()) : undefined, walletDeadlineMs: config.walletDeadlineMs, launch: config.launch, approvalThresholds: config.approvalThresholds, protection: config.protection, secrets, moneyRateLimit: config.moneyRateLimit, reportsDb, kyc: config.kyc });
  const worker = runsJobQueue() ? await startWorker({ databaseUrl: runtimeUrl, logger,
    jobs: [payoutJobs(app.locals.payoutEngine), depositJobs(app.locals.depositEngine), auditCheckpointJobs(db, logger), ...(app.locals.protection ? [app.locals.protection.jobs()] : []), ...(app.locals.kycJobs ? [app.locals.kycJobs] : [])] }) : undefined;
  app.locals.jobQueue = worker;
  // Slow clients (slowloris) cannot hold a connection: headers within 10 s, the whole request within 15 s,
  // checked every second rather than Node's default 30.
  const server: Server = createHttpServer(app, { headersTimeout: 10_000, requestTimeout: 15_000, connectionsCheckingInterval: 1000 });
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(isClusterWorker() ? 'worker listening' : 'wallet server listening', { url: `http://localhost:${port}`, pid: process.pid, jobQueue: worker !== undefined,
    database: embedded ? 'embedded' : 'DATABASE_URL', gameLaunch: config.launch ? config.launch.apiUrl : 'off (FB_API_URL not set)',
    payoutProviders: Object.keys(config.payouts.providers).length ? Object.keys(config.payouts.providers) : 'none (PAYOUT_SANDBOX=1, or <PROVIDER>_BASE_URL)',
    defaultPayoutProvider: config.payouts.defaultProvider ?? null, fourEyes: fourEyesOn(config.approvalThresholds) ? config.approvalThresholds : 'off (APPROVAL_THRESHOLD not set)' });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await worker?.stop(); // lets running jobs finish
    await db.destroy();
    await reportsDb?.destroy();
    if (embedded) await embedded.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * graphile-worker's runner leaves a promise of its own unawaited (cron.promise.finally in its runner.js): when its
 * cron meets a database outage at a minute boundary, that promise rejects with nobody to catch it, and Node would
 * end the process with every call in flight. The runner itself is supervised (src/jobs.ts), so such a database
 * error is logged and the process goes on; any other rejection nobody awaited still ends it, as Node would.
 */
function keepUpThroughDatabaseOutages(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    if (isDatabaseAway(reason)) {
      logger.warn('a database error nobody awaited (the job queue during an outage): the process goes on', { error: error.message });
      return;
    }
    logger.error('unhandled rejection: stopping', { error: error.message, stack: error.stack });
    process.exit(1);
  });
}

function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  keepUpThroughDatabaseOutages(logger);
  const run = cluster.isPrimary && config.webConcurrency > 1 ? startCluster : start;
  run(config, logger).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      logger.error(`configuration error: ${error.message}`);
      process.exit(2);
    }
    const e = error instanceof Error ? error : new Error(String(error));
    logger.error('failed to start', { error: e.message, stack: e.stack });
    process.exit(1);
  });
}

main();
