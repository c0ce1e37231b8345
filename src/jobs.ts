import { Knex } from 'knex';
import { Logger as WorkerLogger, run, Task } from 'graphile-worker';
import { Pool } from 'pg';
import { Logger } from './log';

/**
 * The durable job queue (graphile-worker on this database), shared by the capabilities that need background work:
 * each brings its tasks and cron lines (`Jobs`), and one worker runs them all.
 */
export interface Jobs {
  tasks: Record<string, Task>;
  /** graphile-worker crontab lines, e.g. `* * * * * payout_sweep`. */
  crontab?: string[];
}

export interface JobOptions {
  delayMs?: number;
  /** One job per key: a newer add replaces a waiting one ('replace') or keeps its run time ('preserve_run_at'). */
  key?: string;
  keyMode?: 'replace' | 'preserve_run_at';
}

/**
 * Adds a job in the caller's transaction (graphile_worker.add_job), so the work and the change that asks for it
 * are committed together or not at all. A job that throws is retried with graphile-worker's exponential backoff,
 * 25 attempts in all.
 */
export async function addJob(db: Knex | Knex.Transaction, task: string, payload: Record<string, unknown>, options: JobOptions = {}): Promise<void> {
  await db.raw(
    `SELECT graphile_worker.add_job(:task, :payload::json, run_at := now() + make_interval(secs => :delay), job_key := :key,
       job_key_mode := :mode, max_attempts := 25)`,
    {
      task,
      payload: JSON.stringify(payload),
      delay: (options.delayMs ?? 0) / 1000,
      key: options.key ?? null,
      mode: options.keyMode ?? 'replace',
    },
  );
}

export interface Worker {
  /** Stops taking jobs, waits for the running ones, and closes the worker's connections. */
  stop(): Promise<void>;
}

/**
 * Every instance may run one worker: a job is taken by one worker at a time, a failed job is retried with backoff,
 * and a job whose worker died is taken again.
 */
export async function startWorker(options: {
  databaseUrl: string;
  jobs: Jobs[];
  logger: Logger;
  concurrency?: number;
  pollIntervalMs?: number;
}): Promise<Worker> {
  const log = options.logger;
  const pool = new Pool({ connectionString: options.databaseUrl, max: (options.concurrency ?? 4) + 2 });
  pool.on('error', (error) => log.warn('job worker connection error', { error: error.message }));
  const crontab = options.jobs.flatMap((jobs) => jobs.crontab ?? []);
  const runner = await run({
    pgPool: pool,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollIntervalMs ?? 1000,
    noHandleSignals: true,
    logger: new WorkerLogger((scope) => (level, message, meta) => {
      if (level !== 'error' && level !== 'warning') return;
      const error = (meta as { error?: Error } | undefined)?.error;
      log.log(level === 'warning' ? 'warn' : 'error', message, { task: scope.taskIdentifier, jobId: scope.jobId, error: error?.message });
    }),
    taskList: Object.assign({}, ...options.jobs.map((jobs) => jobs.tasks)),
    ...(crontab.length ? { crontab: crontab.join('\n') } : {}),
  });
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}
