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
  /** Whether the queue runs now, how often it was restarted, and why it last stopped. */
  health(): JobQueueHealth;
}

export interface JobQueueHealth {
  running: boolean;
  restarts: number;
  lastError: string | null;
}

/** How long to wait before the n-th restart in a row: 1 s, doubling, at most 30 s. */
export const restartDelayMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt);

/**
 * Keeps a runner going: when it fails (its promise rejects: the database went away under the cron, say), it is
 * logged, counted and started again after restartDelayMs, again and again until the database is back; a start
 * that fails waits the same way. The process never ends for it. The first start's failure is the caller's.
 */
export async function supervise(start: () => Promise<{ promise: Promise<void>; stop(): Promise<void> }>, log: Logger,
  delayMs: (attempt: number) => number = restartDelayMs): Promise<Worker> {
  const state: JobQueueHealth = { running: false, restarts: 0, lastError: null };
  let current: { promise: Promise<void>; stop(): Promise<void> } | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const failed = (error: unknown, attempt: number) => {
    if (stopping) return;
    state.running = false;
    state.lastError = error instanceof Error ? error.message : String(error);
    const wait = delayMs(attempt);
    log.error('the job queue stopped; restarting it', { error: state.lastError, restartInMs: wait, restarts: state.restarts });
    void current?.stop().catch(() => undefined);
    current = undefined;
    timer = setTimeout(() => void launch(attempt + 1), wait);
  };
  const watch = (runner: { promise: Promise<void>; stop(): Promise<void> }) => {
    current = runner;
    state.running = true;
    runner.promise.then(() => undefined, (error: unknown) => failed(error, 0));
  };
  async function launch(attempt: number): Promise<void> {
    if (stopping) return;
    state.restarts += 1;
    try {
      watch(await start());
      log.info('the job queue runs again', { restarts: state.restarts });
    } catch (error) {
      failed(error, attempt);
    }
  }
  watch(await start());
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await current?.stop();
    },
    health: () => ({ ...state }),
  };
}

/**
 * Every instance may run one worker: a job is taken by one worker at a time, a failed job is retried with backoff,
 * and a job whose worker died is taken again. The runner is supervised: a database outage never ends the process.
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
  const worker = await supervise(() => run({
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
  }), log);
  return {
    async stop() {
      await worker.stop();
      await pool.end();
    },
    health: worker.health,
  };
}
