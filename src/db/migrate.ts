import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger as WorkerLogger, runMigrations } from 'graphile-worker';
import { migrations } from '../../migrations';
import { ignoreProgress, OnProgress } from '../progress';
import { Db } from './connect';
import { grantRuntimeRights, roleOf } from './roles';

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

const MIGRATIONS = { migrationSource: new ListMigrationSource() };
/** The money routines, in .sql files beside the services that call them (paths from src/); the ledger's first. */
const ROUTINE_FILES = ['ledger/routines.sql', 'wallet/routines.sql', 'protection/protection.sql', 'audit.sql'];
const MIGRATE_LOCK = 7_340_001;
const MIGRATION_LOCK_TIMEOUT_MS = 60_000;
const MIGRATE_WAIT_MS = 30 * 60_000;
const quietWorkerLogger = new WorkerLogger(() => () => undefined);

/**
 * Brings the schema to the latest version, (re)installs the money routines that live beside their services, and
 * gives `runtimeRole` (the role the server serves as, when it is not the owner migrating) its rights (roles.ts). Several instances starting at once take turns: the first to get a session advisory lock migrates,
 * the others wait for it (saying so through `onProgress`) and then find nothing left to do. knex's own lock is not
 * enough: two instances creating its bookkeeping table at once collide. The lock goes with its connection, so an
 * instance that dies mid-migration frees it.
 */
export async function migrate(databaseUrl: string, onProgress: OnProgress = ignoreProgress, runtimeRole?: string): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl, application_name: 'seamless-wallet migrate lock' });
  await lock.connect();
  const db = migrationDb(databaseUrl);
  try {
    await waitForMigrateLock(lock, onProgress);
    const applied = await applyMigrations(db, onProgress);
    // the payout job queue keeps its own schema (graphile_worker) and migrates it itself, under its own lock
    await runMigrations({ connectionString: databaseUrl, logger: quietWorkerLogger });
    for (const file of ROUTINE_FILES) await db.raw(fs.readFileSync(path.join(__dirname, '..', file), 'utf8'));
    if (runtimeRole !== undefined && runtimeRole !== roleOf(databaseUrl)) await grantRuntimeRights(db, runtimeRole);
    return applied;
  } finally {
    await db.destroy();
    await lock.end();
  }
}

async function waitForMigrateLock(lock: Client, onProgress: OnProgress): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATE_LOCK]);
    if (rows[0].locked) return;
    if (Date.now() - started > MIGRATE_WAIT_MS) throw new Error(`another instance has been migrating for over ${MIGRATE_WAIT_MS / 60_000} minutes`);
    onProgress({ phase: 'waiting for another instance to finish migrating', done: 0, total: null });
    await sleep(250);
  }
}

/**
 * Migrations get connections of their own: an index build on a big table runs as long as it needs (the API's
 * statement timeout would cut it off), but waits at most a minute for a table lock, so a deploy fails loudly
 * rather than queueing every request behind its DDL.
 */
function migrationDb(databaseUrl: string): Db {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      statement_timeout: 0,
      lock_timeout: MIGRATION_LOCK_TIMEOUT_MS,
      application_name: 'seamless-wallet migrate',
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: 2 },
  });
}

/**
 * Applies pending migrations one at a time, saying which runs and, while one builds an index, how far the build
 * is (pg_stat_progress_create_index, read on another connection). Runs under the migrate lock, so the pending
 * list it starts from cannot change under it.
 */
async function applyMigrations(db: Db, onProgress: OnProgress): Promise<string[]> {
  const [, pending] = (await db.migrate.list(MIGRATIONS)) as [unknown, { name: string }[]];
  const applied: string[] = [];
  for (const [index, { name }] of pending.entries()) {
    onProgress({ phase: name, done: index, total: pending.length });
    const stopWatching = watchIndexBuilds(db, (build) => onProgress({ phase: `${name}: ${build}`, done: index, total: pending.length }));
    try {
      const [, log] = await db.migrate.up(MIGRATIONS);
      applied.push(...(log as string[]));
    } finally {
      stopWatching();
    }
  }
  if (pending.length > 0) onProgress({ phase: 'done', done: pending.length, total: pending.length });
  return applied;
}

/** The index builds running in this database, each as "index on <table>: <phase> <n>%". */
async function indexBuilds(db: Db): Promise<string[]> {
  const { rows } = await db.raw<{ rows: { relation: string; phase: string; done: string; total: string }[] }>(`
    SELECT relid::regclass::text AS relation, phase,
           greatest(blocks_done, tuples_done)::text AS done, greatest(blocks_total, tuples_total)::text AS total
    FROM pg_stat_progress_create_index WHERE datname = current_database()`);
  return rows.map((row) => {
    const share = Number(row.total) > 0 ? ` ${Math.floor((100 * Number(row.done)) / Number(row.total))}%` : '';
    return `index on ${row.relation}: ${row.phase}${share}`;
  });
}

/** Calls `report` with each index build of this database (see indexBuilds) every `intervalMs`, until stopped. */
export function watchIndexBuilds(db: Db, report: (build: string) => void, intervalMs = 500): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const build of await indexBuilds(db)) report(build);
    } catch {
      // progress is a courtesy: a failed look never stops the migration
    } finally {
      busy = false;
    }
  }, intervalMs);
  return () => clearInterval(timer);
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Some instance holds the migration lock: it is migrating right now. */
  migrating: boolean;
  indexBuilds: string[];
}

/** Where the schema stands, as this instance's code sees it. */
export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const [completed, pending] = (await db.migrate.list(MIGRATIONS)) as [
    ({ name: string } | string)[],
    { name: string }[],
  ];
  const { rows } = await db.raw<{ rows: { migrating: boolean }[] }>(`
    SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                   WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.granted
                     AND l.classid = 0 AND l.objid = ? AND l.objsubid = 1)
        OR EXISTS (SELECT 1 FROM knex_migrations_lock WHERE is_locked = 1) AS migrating`, [MIGRATE_LOCK]);
  return {
    applied: completed.map((m) => (typeof m === 'string' ? m : m.name)),
    pending: pending.map((m) => m.name),
    migrating: rows[0].migrating,
    indexBuilds: await indexBuilds(db),
  };
}

/**
 * Follows the migration another instance is running (a deploy): a progress event every `intervalMs` while the
 * migration lock is held or an index is being built, then the status once both are over (or `signal` aborts).
 */
export async function followMigrations(db: Db, onProgress: OnProgress, signal?: AbortSignal, intervalMs = 1000): Promise<MigrationStatus> {
  for (;;) {
    const status = await migrationStatus(db);
    if ((!status.migrating && status.indexBuilds.length === 0) || signal?.aborted) return status;
    const next = status.pending[0] ? `migrating, ${status.pending[0]} next` : 'an instance holds the migration lock';
    onProgress({ phase: status.indexBuilds[0] ?? next, done: status.applied.length, total: status.applied.length + status.pending.length });
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}

export async function pendingMigrations(db: Db): Promise<number> {
  const [, pending] = await db.migrate.list(MIGRATIONS);
  return (pending as unknown[]).length;
}
