import { Jobs } from '../jobs';
import { DepositEngine } from './engine';
import { DEPOSIT_TASKS } from './queue';

/** The deposits' background work: a lookup per charge on its schedule, and a sweep every minute for a worker that died holding one. */
export function depositJobs(engine: DepositEngine): Jobs {
  return {
    tasks: {
      [DEPOSIT_TASKS.check]: async (payload) => engine.check((payload as { depositId: string }).depositId),
      [DEPOSIT_TASKS.sweep]: async () => engine.sweep(),
    },
    crontab: [`* * * * * ${DEPOSIT_TASKS.sweep}`],
  };
}
