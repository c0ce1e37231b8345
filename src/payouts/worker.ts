import { Logger as WorkerLogger, run } from 'graphile-worker';
import { Pool } from 'pg';
import { Logger } from '../log';
import { PayoutEngine } from './engine';
import { TASKS } from './queue';

interface JobPayload {
  payoutId: string;
  source?: string;
}

/**
 * The durable job queue's worker (graphile-worker on this database). Every instance may run one: a job is taken
 * by one worker at a time, a failed job is retried with backoff, and a job whose worker died is taken again.
 */
export interface PayoutWorker {
  /** Stops taking jobs, waits for the running ones, and closes the worker's connections. */
  stop(): Promise<void>;
}

export async function startPayoutWorker(options: {
  databaseUrl: string;
  engine: PayoutEngine;
  logger: Logger;
  concurrency?: number;
  pollIntervalMs?: number;
}): Promise<PayoutWorker> {
  const log = options.logger;
  const pool = new Pool({ connectionString: options.databaseUrl, max: (options.concurrency ?? 4) + 2 });
  pool.on('error', (error) => log.warn('payout worker connection error', { error: error.message }));
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
    taskList: {
      [TASKS.send]: async (payload) => options.engine.send((payload as JobPayload).payoutId),
      [TASKS.check]: async (payload) => options.engine.check((payload as JobPayload).payoutId, (payload as JobPayload).source),
      [TASKS.sweep]: async () => options.engine.sweep(),
    },
    crontab: `* * * * * ${TASKS.sweep}`,
  });
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}
