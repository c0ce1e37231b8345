import { Logger as WorkerLogger, run, Runner } from 'graphile-worker';
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
export function startPayoutWorker(options: { databaseUrl: string; engine: PayoutEngine; logger: Logger; concurrency?: number; pollIntervalMs?: number }): Promise<Runner> {
  const log = options.logger;
  return run({
    connectionString: options.databaseUrl,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollIntervalMs ?? 1000,
    noHandleSignals: true,
    logger: new WorkerLogger((scope) => (level, message, meta) => {
      if (level === 'error' || level === 'warning') log.log(level === 'warning' ? 'warn' : 'error', message, { ...scope, ...meta });
    }),
    taskList: {
      [TASKS.send]: async (payload) => options.engine.send((payload as JobPayload).payoutId),
      [TASKS.check]: async (payload) => options.engine.check((payload as JobPayload).payoutId, (payload as JobPayload).source),
      [TASKS.sweep]: async () => options.engine.sweep(),
    },
    crontab: `* * * * * ${TASKS.sweep}`,
  });
}
