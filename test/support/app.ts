import { Server } from 'node:http';
import { Writable } from 'node:stream';
import { Express } from 'express';
import supertest from 'supertest';
import winston from 'winston';
import { Knex } from 'knex';
import { createApp, createHttpServer } from '../../src/app';
import { LaunchConfig, PayoutsConfig, ProtectionConfig, SumsubSettings } from '../../src/config';
import { applyJurisdiction } from '../../src/protection';
import { applyKycRequirement } from '../../src/kyc';
import { createDb } from '../../src/db';
import { checkLedger, LedgerReport } from '../../src/ledger';
import { createTestDatabase } from './database';
import { reportProblem, watchAnswers } from './answers';
import { answerProblem } from './contract';
import { signedIn } from './staff';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

export interface TestApp {
  /** The test database's connection string, as the runtime role the app serves as. */
  url: string;
  /** The same database as the tables' owner: for migrations, tools, and a test's surgery that the app cannot do. */
  ownerUrl: string;
  app: Express;
  /** The app's own connections (the runtime role). */
  db: Knex;
  /** Connections as the tables' owner. */
  owner: Knex;
  server: Server;
  http: supertest.Agent;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
  operator(method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, body?: unknown): supertest.Test;
  ledger(): Promise<LedgerReport>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    walletPublicUrl?: string;
    poolMax?: number;
    statementTimeoutMs?: number;
    payouts?: PayoutsConfig;
    operatorAuthFailureLimit?: number;
    launch?: LaunchConfig;
    approvalThresholds?: Record<string, string>;
    moneyRateLimit?: number;
    walletDeadlineMs?: number;
    /** REPORTS_DATABASE_URL: where the heavy reports read. */
    reportsUrl?: string;
    /** JURISDICTION's rules: written to wallet_settings before the app serves. */
    protection?: ProtectionConfig;
    /** Sumsub (a fake's URL and credentials). */
    kyc?: SumsubSettings;
    /** KYC_REQUIRED: written to wallet_settings before the app serves. */
    kycRequired?: boolean;
    /** The URL the app reaches its database by, given the test database's (a proxy's, say). */
    via?: (databaseUrl: string) => Promise<string>;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'http',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  // knex's own messages (a connection a test cut on purpose) go to the app's log, not to the test output
  const db = createDb(options.via ? await options.via(database.url) : database.url, { poolMax: options.poolMax ?? 20, statementTimeoutMs: options.statementTimeoutMs ?? 10000, logger });
  const owner = createDb(database.ownerUrl, { poolMax: 2, statementTimeoutMs: 60_000, logger });
  const reportsDb = options.reportsUrl ? createDb(options.reportsUrl, { poolMax: 2, statementTimeoutMs: 60_000, logger }) : undefined;
  const payouts = options.payouts ?? { providers: {}, defaultProvider: undefined, minAmount: '1.00', maxAmount: '50000.00' };
  const app = createApp({ db, logger, operatorToken: OPERATOR_TOKEN, walletPublicUrl: options.walletPublicUrl, payouts, operatorAuthFailureLimit: options.operatorAuthFailureLimit, launch: options.launch,
    approvalThresholds: options.approvalThresholds, protection: options.protection, moneyRateLimit: options.moneyRateLimit, walletDeadlineMs: options.walletDeadlineMs,
    reportsDb: reportsDb, kyc: options.kyc });
  await applyJurisdiction(db, options.protection);
  await applyKycRequirement(db, options.kycRequired ?? false);
  const server = await new Promise<Server>((resolve) => {
    const s = createHttpServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  // every answer, whoever asked for it, is checked against the API document (test/support/contract-check.ts)
  watchAnswers(server, (answer) => {
    const problem = answerProblem(answer);
    if (problem) reportProblem(problem);
  });
  const http = supertest.agent(server);
  return {
    url: database.url,
    ownerUrl: database.ownerUrl,
    app,
    db,
    owner,
    server,
    http,
    logs,
    operator(method, path, body) {
      const test = http[method](`/operator${path}`).set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
      return body === undefined ? test : test.send(body as object);
    },
    ledger: () => checkLedger(db),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
      await owner.destroy();
      await reportsDb?.destroy();
      await database.drop();
    },
  };
}

/** Creates a player (and optionally funds it) through the operator API; returns its external id. */
export async function givenPlayer(
  t: TestApp,
  playerId: string,
  options: { currency?: string; balance?: string; documentNumber?: string } = {},
): Promise<string> {
  const created = await t.operator('post', '/players', {
    playerId,
    currency: options.currency ?? 'EUR',
    ...(options.documentNumber ? { documentNumber: options.documentNumber } : {}),
  });
  if (created.status !== 201) throw new Error(`player ${playerId}: ${created.status} ${JSON.stringify(created.body)}`);
  if (options.balance) {
    const topup = await t.operator('post', `/players/${playerId}/topups`, {
      amount: options.balance,
      transactionId: `seed-${playerId}`,
    });
    if (topup.status === 202) await fundedByTwoPeople(t, playerId, options.balance, topup.body.approvalId);
    else if (topup.status !== 200) throw new Error(`topup ${playerId}: ${topup.status} ${JSON.stringify(topup.body)}`);
  }
  return playerId;
}

const twoPeople = new WeakMap<TestApp, Promise<{ funder: string; approver: string }>>();

/** A finance account of the app's own, made by the bootstrap token, signed in to the console: its session cookie. */
async function financePerson(t: TestApp, name: string): Promise<string> {
  const email = `${name}-${process.pid}@casino.example`;
  const password = `the ${name} of four eyes`;
  await t.operator('post', '/staff', { email, displayName: name, role: 'finance', password }).expect(201);
  return (await signedIn(t, email, password))!;
}

/**
 * Funds a player whose bootstrap top-up four eyes held: the bootstrap token's requests are never approved (every
 * account descends from it), so it is rejected, and two people of their own, a funder and an approver, move it.
 */
async function fundedByTwoPeople(t: TestApp, playerId: string, amount: string, heldApprovalId: string): Promise<void> {
  if (!twoPeople.has(t)) twoPeople.set(t, Promise.all([financePerson(t, 'funder'), financePerson(t, 'approver')]).then(([funder, approver]) => ({ funder, approver })));
  const { funder, approver } = await twoPeople.get(t)!;
  // a client without a cookie jar: each call carries only the session it names
  const asConsole = (cookie: string, path: string, body: object) => supertest(t.server).post(`/operator${path}`).set('Cookie', cookie).set('X-Wallet-Console', '1').send(body);
  await asConsole(approver, `/approvals/${heldApprovalId}/reject`, { note: 'tests: funded by two people instead' }).expect(200);
  const asked = await asConsole(funder, `/players/${playerId}/topups`, { amount, transactionId: `seed-2-${playerId}` });
  if (asked.status === 202) await asConsole(approver, `/approvals/${asked.body.approvalId}/approve`, { note: 'tests: the second person' }).expect(200);
  else if (asked.status !== 200) throw new Error(`topup ${playerId}: ${asked.status} ${JSON.stringify(asked.body)}`);
}

export async function expectSoundLedger(t: TestApp): Promise<void> {
  const report = await t.ledger();
  expect(report.problems).toEqual([]);
  expect(report.sound).toBe(true);
}

/** A player's balance as the operator API shows it ("12.50"). */
export async function balanceOf(t: TestApp, playerId: string): Promise<string> {
  return (await t.operator('get', `/players/${encodeURIComponent(playerId)}`)).body.balance;
}

/** Sends `test` and reads its body whole as UTF-8 text, whatever its content type (CSV, NDJSON). */
export async function withTextBody(test: supertest.Test): Promise<supertest.Response> {
  return test.buffer(true).parse((response, done) => {
    let text = '';
    response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    response.on('end', () => done(null, text));
  });
}

/** The objects of an NDJSON answer (a progress stream), read whole. */
export async function ndjson(test: supertest.Test): Promise<{ status: number; contentType: string; lines: Record<string, any>[] }> {
  const res = await withTextBody(test);
  const text: string = res.body;
  return { status: res.status, contentType: res.headers['content-type'], lines: text.split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}
