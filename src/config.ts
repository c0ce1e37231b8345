import os from 'node:os';
import path from 'node:path';

export interface Config {
  port: number;
  /** The role the server serves as. Absent: the server starts its own embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  /** The tables' owner, which runs the migrations and grants the server's role its rights; absent, DATABASE_URL's role. */
  migrationDatabaseUrl: string | undefined;
  /** A standby the heavy reports and CSV exports read (REPORTS_DATABASE_URL); absent, the primary. */
  reportsDatabaseUrl: string | undefined;
  dataDir: string;
  /** Port of the embedded PostgreSQL (ignored with databaseUrl). */
  embeddedPgPort: number;
  operatorToken: string | undefined;
  /** SECRETS_KEY: 32 bytes (base64) sealing the aggregators' HMAC keys at rest; generated under dataDir in development. */
  secretsKey: Buffer | undefined;
  logLevel: string;
  /** Base URL the aggregator dials, used to rebuild the signed URL behind a proxy. */
  walletPublicUrl: string | undefined;
  fbPublicKey: string | undefined;
  fbPrivateKey: string | undefined;
  /** The aggregator's game API (FB_API_URL); absent, launching a game answers 503 LAUNCH_NOT_CONFIGURED. */
  launch: LaunchConfig | undefined;
  /** Worker processes on one port (WEB_CONCURRENCY, default the cores this machine offers); 1 is a single process. */
  webConcurrency: number;
  /** The whole server's database connections (DB_POOL_MAX), shared out among its workers. */
  dbPoolMax: number;
  dbStatementTimeoutMs: number;
  /** Wrong operator tokens one address may send per 15 minutes before it is refused. */
  operatorAuthFailureLimit: number;
  /** Money requests one person may make a minute (MONEY_RATE_LIMIT). */
  moneyRateLimit: number;
  /** Express "trust proxy": which proxies' X-Forwarded-For to believe for the client address (off when absent). */
  trustProxy: string | undefined;
  /** Bearer token /metrics asks for; open when absent. */
  metricsToken: string | undefined;
  /** How long one report or ledger-check query may run. */
  reportTimeoutMs: number;
  production: boolean;
  /** Four eyes: per currency, what one person may move by hand in 24 hours (APPROVAL_THRESHOLD); empty, no approval step (development only). */
  approvalThresholds: Record<string, string>;
  /** Every wallet call is answered within this many ms (WALLET_DEADLINE_MS), "outcome unknown" if it must. */
  walletDeadlineMs: number;
  /** Wallet group commit: batches in flight at once and calls per batch (README "Benchmark"). */
  walletBatch: { slots: number; maxCalls: number };
  /** A cluster's wallet calls committed by one group commit in the primary ('cluster'), or each worker's own ('worker'). */
  walletGroupCommit: 'cluster' | 'worker';
  payouts: PayoutsConfig;
  /** JURISDICTION's rules for protecting players (docs/protection.md); absent, none beyond limits and blocks. */
  protection: ProtectionConfig | undefined;
  /** Identity verification by Sumsub (SUMSUB_*, docs/kyc.md); absent, starting a verification answers 503 KYC_NOT_CONFIGURED. */
  kyc: SumsubSettings | undefined;
  /** KYC_REQUIRED: only a verified identity bets, deposits, is topped up or paid out; on by default under JURISDICTION=BR. */
  kycRequired: boolean;
}

/** Sumsub's API (docs/kyc.md): where it is, the app token and its secret, the webhooks' secret, the level players go through. */
export interface SumsubSettings {
  baseUrl: string;
  appToken: string;
  secretKey: string;
  webhookSecret: string;
  levelName: string;
  timeoutMs: number;
}

/** JURISDICTION=BR: the SPA register check and the mandatory limits. */
export interface ProtectionConfig {
  jurisdiction: 'BR';
  /** The day, week and month of play-time limits and of the SIGAP day file. */
  timeZone: string;
  /** The SPA register (SIGAP Módulo de Impedidos); absent, every check fails and bets and deposits wait. */
  sigap: SigapConfig | undefined;
  /** The SIGAP day file's columns, in order (SIGAP_COLUMNS). */
  sigapColumns: readonly string[];
}

export interface SigapConfig {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  /** Register checks per second the 15-day sweep may make. */
  sweepRatePerSecond: number;
}

/** What the signed POST {apiUrl}/game/url needs: the brand issued at onboarding and the wallet's own key pair. */
export interface LaunchConfig {
  apiUrl: string;
  brandId: string;
  publicKey: string;
  privateKey: string;
  timeoutMs: number;
}

export const PAYOUT_PROVIDERS = ['orkestra', 'paystar', 'hashlee', 'jumppag', 'sandbox'] as const;
export type PayoutProviderName = (typeof PAYOUT_PROVIDERS)[number];

/** A provider's settings from `<NAME>_<SETTING>` variables, camel-cased: JUMPPAG_CLIENT_ID → clientId. */
export type ProviderSettings = { baseUrl: string } & Record<string, string | undefined>;

export interface PayoutsConfig {
  /** Providers with a base URL set (`<NAME>_BASE_URL`); only these can be chosen. */
  providers: Partial<Record<PayoutProviderName, ProviderSettings>>;
  defaultProvider: PayoutProviderName | undefined;
  /** Public base URL of this server, for the callback URL sent to providers (…/webhooks/payouts/<name>). */
  webhookBaseUrl?: string;
  /** Deadline of every call to a provider. */
  httpTimeoutMs?: number;
  /** Multiplies the polling schedule (1 in production; tests shrink it). */
  pollTimeScale?: number;
  /** Bounds of one payout, as BRL decimal text ("1.00"). */
  minAmount: string;
  maxAmount: string;
}

/** The setting that turns a payout provider on: PAYOUT_SANDBOX=1 for the sandbox, <NAME>_BASE_URL for a real one. */
export function providerSwitch(provider: PayoutProviderName): string {
  return provider === 'sandbox' ? 'start the server with PAYOUT_SANDBOX=1' : `set ${provider.toUpperCase()}_BASE_URL`;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

const SUMSUB_SETTINGS = { appToken: 'SUMSUB_APP_TOKEN', secretKey: 'SUMSUB_SECRET_KEY', webhookSecret: 'SUMSUB_WEBHOOK_SECRET', levelName: 'SUMSUB_LEVEL_NAME' } as const;

/** SUMSUB_BASE_URL turns Sumsub on; then its token, secrets and level are all required. */
function sumsubConfig(env: NodeJS.ProcessEnv): SumsubSettings | undefined {
  const baseUrl = url(env, 'SUMSUB_BASE_URL', ['http:', 'https:']);
  if (baseUrl === undefined) return undefined;
  const missing = Object.values(SUMSUB_SETTINGS).filter((name) => optional(env, name) === undefined);
  if (missing.length > 0) throw new ConfigError(`SUMSUB_BASE_URL is set, so ${missing.join(', ')} must be set too`);
  const read = (name: keyof typeof SUMSUB_SETTINGS) => optional(env, SUMSUB_SETTINGS[name])!;
  return { baseUrl, appToken: read('appToken'), secretKey: read('secretKey'), webhookSecret: read('webhookSecret'), levelName: read('levelName'),
    timeoutMs: integer(env, 'SUMSUB_TIMEOUT_MS', 10_000, 100, 120_000) };
}

function kycRequired(env: NodeJS.ProcessEnv, protection: ProtectionConfig | undefined): boolean {
  const raw = optional(env, 'KYC_REQUIRED');
  if (raw === undefined) return protection?.jurisdiction === 'BR';
  if (raw !== '1' && raw !== '0') throw new ConfigError(`KYC_REQUIRED must be 1 or 0, got "${raw}"`);
  return raw === '1';
}

const GROUP_COMMITS = ['cluster', 'worker'] as const;

function walletGroupCommit(env: NodeJS.ProcessEnv): Config['walletGroupCommit'] {
  const value = optional(env, 'WALLET_GROUP_COMMIT') ?? 'cluster';
  if (!(GROUP_COMMITS as readonly string[]).includes(value)) throw new ConfigError(`WALLET_GROUP_COMMIT must be one of ${GROUP_COMMITS.join(', ')}, got "${value}"`);
  return value as Config['walletGroupCommit'];
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw.replace(/\/+$/, '');
}

const DECIMAL_BRL = /^\d{1,12}(\.\d{1,2})?$/;

function payoutsConfig(env: NodeJS.ProcessEnv): PayoutsConfig {
  const providers: PayoutsConfig['providers'] = {};
  for (const name of PAYOUT_PROVIDERS.filter((n) => n !== 'sandbox')) {
    const prefix = `${name.toUpperCase()}_`;
    const baseUrl = url(env, `${prefix}BASE_URL`, ['http:', 'https:']);
    if (!baseUrl) continue;
    const settings: ProviderSettings = { baseUrl };
    for (const [key, value] of Object.entries(env)) {
      if (!key.startsWith(prefix) || key === `${prefix}BASE_URL` || !value) continue;
      const camel = key.slice(prefix.length).toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      settings[camel] = value;
    }
    providers[name] = settings;
  }
  if (optional(env, 'PAYOUT_SANDBOX') !== undefined) {
    if (env.NODE_ENV === 'production') throw new ConfigError('PAYOUT_SANDBOX is refused with NODE_ENV=production: the sandbox pays nothing');
    providers.sandbox = { baseUrl: 'sandbox:' };
  }
  const defaultProvider = optional(env, 'PAYOUT_DEFAULT_PROVIDER');
  if (defaultProvider !== undefined && !(defaultProvider in providers)) {
    throw new ConfigError(`PAYOUT_DEFAULT_PROVIDER must be one of the configured providers (${Object.keys(providers).join(', ') || 'none: set <PROVIDER>_BASE_URL'}), got "${defaultProvider}"`);
  }
  const minAmount = optional(env, 'PAYOUT_MIN_AMOUNT') ?? '1.00';
  const maxAmount = optional(env, 'PAYOUT_MAX_AMOUNT') ?? '50000.00';
  for (const [name, value] of [['PAYOUT_MIN_AMOUNT', minAmount], ['PAYOUT_MAX_AMOUNT', maxAmount]]) {
    if (!DECIMAL_BRL.test(value)) throw new ConfigError(`${name} must be a BRL amount such as 10.00, got "${value}"`);
  }
  return {
    providers,
    defaultProvider: defaultProvider as PayoutProviderName | undefined,
    minAmount,
    maxAmount,
    webhookBaseUrl: url(env, 'PAYOUT_WEBHOOK_BASE_URL', ['http:', 'https:']),
    httpTimeoutMs: integer(env, 'PAYOUT_HTTP_TIMEOUT_MS', 10_000, 100, 120_000),
    pollTimeScale: 1,
  };
}

function launchConfig(env: NodeJS.ProcessEnv, publicKey: string | undefined, privateKey: string | undefined): LaunchConfig | undefined {
  const apiUrl = url(env, 'FB_API_URL', ['http:', 'https:']);
  if (apiUrl === undefined) return undefined;
  const brandId = optional(env, 'FB_BRAND_ID');
  if (brandId === undefined) throw new ConfigError('FB_API_URL needs FB_BRAND_ID, the brand id issued at onboarding');
  if (publicKey === undefined || privateKey === undefined) {
    throw new ConfigError('FB_API_URL needs FB_PUBLIC_KEY and FB_PRIVATE_KEY: they sign the launch call');
  }
  return { apiUrl, brandId, publicKey, privateKey, timeoutMs: integer(env, 'FB_HTTP_TIMEOUT_MS', 5000, 100, 120_000) };
}

/**
 * `BRL:5000.00,EUR:1000.00`: per currency, what one person may move by hand over 24 hours before a second person
 * must approve (docs/operator-api.md "Four eyes"); a currency not listed waits for every movement. Production
 * refuses to start without it; development without it has no approval step.
 */
function approvalThresholds(env: NodeJS.ProcessEnv, production: boolean): Record<string, string> {
  const raw = optional(env, 'APPROVAL_THRESHOLD');
  if (raw === undefined && production) {
    throw new ConfigError('APPROVAL_THRESHOLD is required when NODE_ENV=production: what one person may move by hand in 24 hours, per currency (BRL:5000.00,EUR:1000.00)');
  }
  if (raw === undefined) return {};
  const thresholds: Record<string, string> = {};
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const match = /^([A-Z]{3}):(\d{1,15}(?:\.\d{1,4})?)$/.exec(entry);
    if (!match) throw new ConfigError(`APPROVAL_THRESHOLD must be CURRENCY:amount pairs such as BRL:5000.00,EUR:1000.00, got "${entry}"`);
    thresholds[match[1]] = match[2];
  }
  return thresholds;
}

/** The SIGAP day file's columns, in their default order; docs/protection.md says what each holds. */
export const SIGAP_COLUMN_NAMES = ['record', 'occurredAt', 'sequence', 'playerId', 'cpf', 'kind', 'amount', 'balanceAfter', 'currency', 'reference',
  'gameId', 'roundId', 'status', 'sigapStatus'] as const;
export type SigapColumn = (typeof SIGAP_COLUMN_NAMES)[number];

/** SIGAP_COLUMNS: a comma list of the day file's columns (SIGAP_COLUMN_NAMES), each known, none twice. */
function sigapColumns(env: NodeJS.ProcessEnv): readonly string[] {
  const raw = optional(env, 'SIGAP_COLUMNS');
  if (raw === undefined) return SIGAP_COLUMN_NAMES;
  const columns = raw.split(',').map((c) => c.trim());
  const unknown = columns.filter((c) => !(SIGAP_COLUMN_NAMES as readonly string[]).includes(c));
  if (unknown.length || new Set(columns).size !== columns.length) {
    throw new ConfigError(`SIGAP_COLUMNS must name each of its columns once, from ${SIGAP_COLUMN_NAMES.join(', ')}; got "${raw}"`);
  }
  return columns;
}

function protectionConfig(env: NodeJS.ProcessEnv, production: boolean): ProtectionConfig | undefined {
  const jurisdiction = optional(env, 'JURISDICTION');
  if (jurisdiction === undefined) return undefined;
  if (jurisdiction !== 'BR') throw new ConfigError(`JURISDICTION must be BR (the only one with rules here) or unset, got "${jurisdiction}"`);
  const baseUrl = url(env, 'SIGAP_BASE_URL', ['http:', 'https:']);
  if (baseUrl === undefined && production) throw new ConfigError('JURISDICTION=BR needs SIGAP_BASE_URL in production: every player is checked against the SPA register');
  const token = optional(env, 'SIGAP_TOKEN');
  if (baseUrl !== undefined && token === undefined) throw new ConfigError('SIGAP_BASE_URL needs SIGAP_TOKEN, the bearer token of the SPA register');
  return {
    jurisdiction,
    timeZone: optional(env, 'JURISDICTION_TIME_ZONE') ?? 'America/Sao_Paulo',
    sigapColumns: sigapColumns(env),
    sigap: baseUrl === undefined ? undefined : {
      baseUrl,
      token: token!,
      timeoutMs: integer(env, 'SIGAP_TIMEOUT_MS', 3000, 100, 60_000),
      sweepRatePerSecond: integer(env, 'SIGAP_SWEEP_RATE', 20, 1, 10_000),
    },
  };
}

/** Reads and validates the environment; throws ConfigError with a message naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = optional(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const operatorToken = optional(env, 'OPERATOR_TOKEN');
  if (operatorToken !== undefined && operatorToken.length < 16) {
    throw new ConfigError('OPERATOR_TOKEN must be at least 16 characters');
  }
  const fbPublicKey = optional(env, 'FB_PUBLIC_KEY');
  const fbPrivateKey = optional(env, 'FB_PRIVATE_KEY');
  if ((fbPublicKey === undefined) !== (fbPrivateKey === undefined)) {
    throw new ConfigError('FB_PUBLIC_KEY and FB_PRIVATE_KEY must be set together');
  }
  const production = env.NODE_ENV === 'production';
  const secretsKey = optional(env, 'SECRETS_KEY');
  if (secretsKey !== undefined && Buffer.from(secretsKey, 'base64').length !== 32) {
    throw new ConfigError('SECRETS_KEY must be 32 random bytes in base64 (openssl rand -base64 32)');
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (production && (operatorToken === undefined || operatorToken.length < 32)) {
    throw new ConfigError('OPERATOR_TOKEN is required when NODE_ENV=production, at least 32 random characters (openssl rand -base64 32)');
  }
  if (production && secretsKey === undefined) {
    throw new ConfigError("SECRETS_KEY is required when NODE_ENV=production: it seals the aggregators' HMAC keys at rest (openssl rand -base64 32)");
  }
  const protection = protectionConfig(env, production);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    migrationDatabaseUrl: url(env, 'MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']),
    reportsDatabaseUrl: url(env, 'REPORTS_DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(optional(env, 'DATA_DIR') ?? '.data'),
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 5433, 1024, 65535),
    operatorToken,
    secretsKey: secretsKey === undefined ? undefined : Buffer.from(secretsKey, 'base64'),
    logLevel,
    walletPublicUrl: url(env, 'WALLET_PUBLIC_URL', ['http:', 'https:']),
    fbPublicKey,
    fbPrivateKey,
    launch: launchConfig(env, fbPublicKey, fbPrivateKey),
    webConcurrency: integer(env, 'WEB_CONCURRENCY', os.availableParallelism(), 1, 256),
    dbPoolMax: integer(env, 'DB_POOL_MAX', 20, 2, 500),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 2000, 100, 600000),
    reportTimeoutMs: integer(env, 'REPORT_TIMEOUT_MS', 300_000, 1000, 3_600_000),
    operatorAuthFailureLimit: integer(env, 'OPERATOR_AUTH_FAILURE_LIMIT', 20, 1, 100_000),
    moneyRateLimit: integer(env, 'MONEY_RATE_LIMIT', 300, 1, 100_000),
    trustProxy: optional(env, 'TRUST_PROXY'),
    metricsToken: optional(env, 'METRICS_TOKEN'),
    production,
    approvalThresholds: approvalThresholds(env, production),
    walletDeadlineMs: integer(env, 'WALLET_DEADLINE_MS', 4000, 100, 60_000),
    walletBatch: { slots: integer(env, 'WALLET_BATCH_SLOTS', 4, 1, 256), maxCalls: integer(env, 'WALLET_BATCH_MAX_CALLS', 64, 1, 1000) },
    walletGroupCommit: walletGroupCommit(env),
    payouts: payoutsConfig(env),
    protection,
    kyc: sumsubConfig(env),
    kycRequired: kycRequired(env, protection),
  };
}
