import { Knex } from 'knex';

export const TASKS = { send: 'payout_send', check: 'payout_check', sweep: 'payout_sweep' } as const;

/**
 * Enqueues a job in the caller's transaction (graphile_worker.add_job), so a payout and its first send are
 * committed together or not at all. One job key per payout and task: a newer request replaces a waiting one.
 */
export async function enqueue(
  db: Knex | Knex.Transaction,
  task: string,
  payoutId: string,
  options: { delayMs?: number; source?: string; keyMode?: 'replace' | 'preserve_run_at' } = {},
): Promise<void> {
  await db.raw(
    `SELECT graphile_worker.add_job(:task, json_build_object('payoutId', :payoutId::text, 'source', :source::text),
       run_at := now() + make_interval(secs => :delay), job_key := :key, job_key_mode := :mode, max_attempts := 25)`,
    {
      task,
      payoutId,
      source: options.source ?? 'poll',
      delay: (options.delayMs ?? 0) / 1000,
      key: `${task}:${payoutId}`,
      mode: options.keyMode ?? 'replace',
    },
  );
}
