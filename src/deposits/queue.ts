import { Knex } from 'knex';
import { addJob } from '../jobs';

export const DEPOSIT_TASKS = { check: 'deposit_check', sweep: 'deposit_sweep' } as const;

/** Queues a look at a deposit's charge; one waiting check per deposit (a newer one replaces it, unless told to keep its time). */
export function enqueueCheck(db: Knex | Knex.Transaction, depositId: string, delayMs: number, keyMode: 'replace' | 'preserve_run_at' = 'replace'): Promise<void> {
  return addJob(db, DEPOSIT_TASKS.check, { depositId }, { delayMs, key: `${DEPOSIT_TASKS.check}:${depositId}`, keyMode });
}
