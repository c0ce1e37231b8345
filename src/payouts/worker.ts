import { Jobs } from '../jobs';
import { PayoutEngine } from './engine';
import { TASKS } from './queue';

interface JobPayload {
  payoutId: string;
  source?: string;
}

/** The payouts' background work: sends, status checks, and a sweep every minute for a worker that died holding a job. */
export function payoutJobs(engine: PayoutEngine): Jobs {
  return {
    tasks: {
      [TASKS.send]: async (payload) => engine.send((payload as JobPayload).payoutId),
      [TASKS.check]: async (payload) => engine.check((payload as JobPayload).payoutId, (payload as JobPayload).source),
      [TASKS.sweep]: async () => engine.sweep(),
    },
    crontab: [`* * * * * ${TASKS.sweep}`],
  };
}
