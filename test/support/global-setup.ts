import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureRuntimeRole, migrate, RUNTIME_ROLE, startEmbeddedPostgres } from '../../src/db';
import { createLogger } from '../../src/log';
import { freePort } from '../../src/http';
import { databaseUrl, withAdmin } from './database';

/**
 * Uses DATABASE_URL when set; otherwise starts an embedded PostgreSQL in a temporary directory that
 * global-teardown stops and removes. Either way it builds one migrated template database to clone from, and the
 * runtime role (wallet_app) the apps under test connect as.
 */
export default async function globalSetup(): Promise<void> {
  const logger = createLogger('warn');
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-test-'));
    fs.chmodSync(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres(dataDir, await freePort(), logger);
    adminUrl = embedded.url;
    (globalThis as Record<string, unknown>).__walletEmbedded = { embedded, dataDir };
  }
  const template = `wallet_template_${process.pid}`;
  await withAdmin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${template}`);
  });
  // the apps under test serve as the runtime role, with its rights only, as the server does
  await ensureRuntimeRole(adminUrl);
  await migrate(databaseUrl(adminUrl, template), undefined, RUNTIME_ROLE);
  process.env.WALLET_TEST_ADMIN_URL = adminUrl;
  process.env.WALLET_TEST_TEMPLATE = template;
}
