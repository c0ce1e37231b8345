import fs from 'node:fs';
import path from 'node:path';
import { Logger } from '../log';
import { OnProgress } from '../progress';
import { createDb, Db } from './connect';
import { EmbeddedDatabase, embeddedUrl, isAlive, startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { ensureRuntimeRole, roleOf } from './roles';

/**
 * The database a command-line tool works on, migrated, as the tables' owner: MIGRATION_DATABASE_URL, else
 * DATABASE_URL; else the embedded PostgreSQL of DATA_DIR, the running server's when there is one (left running),
 * otherwise started for the tool and stopped by close(). The server's role gets its rights as at a server's start.
 */
export async function openToolDb(
  config: { databaseUrl: string | undefined; migrationDatabaseUrl: string | undefined; dataDir: string; embeddedPgPort: number; reportTimeoutMs: number },
  log: Logger,
  onMigrationProgress?: OnProgress,
): Promise<{ db: Db; applied: string[]; close(): Promise<void> }> {
  const database = await toolDatabase(config, log);
  const db = createDb(database.url, { poolMax: 2, statementTimeoutMs: config.reportTimeoutMs });
  let applied: string[];
  try {
    const runtimeRole = config.databaseUrl ? roleOf(config.databaseUrl) : roleOf(await ensureRuntimeRole(database.url));
    applied = await migrate(database.url, onMigrationProgress, runtimeRole);
  } catch (error) {
    await db.destroy();
    await database.stop();
    throw error;
  }
  return {
    db,
    applied,
    async close() {
      await db.destroy();
      await database.stop();
    },
  };
}

async function toolDatabase(config: { databaseUrl: string | undefined; migrationDatabaseUrl: string | undefined; dataDir: string; embeddedPgPort: number },
  log: Logger): Promise<EmbeddedDatabase> {
  const owner = config.migrationDatabaseUrl ?? config.databaseUrl;
  if (owner) return { url: owner, stop: async () => undefined };
  const pidFile = path.join(config.dataDir, 'pg', 'postmaster.pid');
  // postmaster.pid: pid, data directory, start time, port, ...
  const [pid, , , port] = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n').map(Number) : [];
  if (pid > 0 && isAlive(pid)) return { url: embeddedUrl(port), stop: async () => undefined };
  return startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
}
