import { Knex } from 'knex';
import { addJob } from '../jobs';

export const TASKS = { send: 'payout_send', check: 'payout_check', sweep: 'payout_sweep' } as const;

/**
 * Enqueues a payout's job in the caller's transaction, so a payout and its first send are committed together or
 * not at all. One job key per payout and task: a newer request replaces a waiting one.
 */
export async function enqueue(
  db: Knex | Knex.Transaction,
  task: string,
  payoutId: string,
  options: { delayMs?: number; source?: string; keyMode?: 'replace' | 'preserve_run_at' } = {},
): Promise<void> {
  await addJob(db, task, { payoutId, source: options.source ?? 'poll' }, { delayMs: options.delayMs, key: `${task}:${payoutId}`, keyMode: options.keyMode });
}
