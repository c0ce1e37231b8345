import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Knex } from 'knex';
import { ignoreProgress, OnProgress } from '../progress';
import { RegisterCheck, RegisteredPlayer } from './checks';

/** IN SPA/MF 31/2025: every registered CPF is checked at least every 15 days; a sweep starts when the last one started 14 days ago. */
export const SWEEP_EVERY_DAYS = 14;
/** Players checked at once; progress is saved after each such batch, so a resumed sweep repeats at most one batch. */
const BATCH = 8;

interface SweepRow {
  id: string;
  started_at: Date;
  finished_at: Date | null;
  total: number;
  done: number;
  last_player_id: string;
  unreachable: number;
  impeded: number;
}

export function sweepView(row: SweepRow) {
  return {
    sweepId: row.id, startedAt: row.started_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
    total: row.total, done: row.done, unreachable: row.unreachable, impeded: row.impeded,
  };
}

/** Players a sweep checks: every account still open. */
const sweepable = (db: Knex) => db('players').whereIn('status', ['active', 'blocked']).whereNotNull('document_number');

/** The unfinished sweep, or a new one when the last began SWEEP_EVERY_DAYS ago (or `force`); undefined when none is due. */
export async function dueSweep(db: Knex, now: Date, force = false): Promise<SweepRow | undefined> {
  const open: SweepRow | undefined = await db('register_sweeps').whereNull('finished_at').orderBy('started_at').first();
  if (open) return open;
  const last: SweepRow | undefined = await db('register_sweeps').orderBy('started_at', 'desc').first();
  if (!force && last && now.getTime() - last.started_at.getTime() < SWEEP_EVERY_DAYS * 86_400_000) return undefined;
  const total = Number((await sweepable(db).count<{ n: string }[]>('* as n'))[0].n);
  const [row]: SweepRow[] = await db('register_sweeps').insert({ id: randomUUID(), started_at: now, total }).returning('*');
  return row;
}

export interface SweepRun {
  db: Knex;
  check: (player: RegisteredPlayer) => Promise<RegisterCheck>;
  ratePerSecond: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Checks every sweepable player after the sweep's last one, in id order, at most `ratePerSecond`, saving progress
 * after each batch: stopped (a signal, a crash), it resumes where it stood. Answers the sweep as it ended.
 */
export async function runSweep(run: SweepRun, sweep: SweepRow) {
  const onProgress = run.onProgress ?? ignoreProgress;
  let row = sweep;
  const batchMs = (BATCH * 1000) / run.ratePerSecond;
  while (!run.signal?.aborted) {
    const started = Date.now();
    const players: RegisteredPlayer[] = await sweepable(run.db).where('id', '>', row.last_player_id).orderBy('id').limit(BATCH).select('id', 'document_number');
    if (players.length === 0) {
      [row] = await run.db('register_sweeps').where({ id: row.id }).update({ finished_at: run.db.fn.now() }).returning('*');
      break;
    }
    const checks = await Promise.all(players.map((p) => run.check(p)));
    [row] = await run.db('register_sweeps').where({ id: row.id }).update({
      last_player_id: players[players.length - 1].id,
      done: row.done + players.length,
      unreachable: row.unreachable + checks.filter((c) => c.outcome === 'unreachable').length,
      impeded: row.impeded + checks.filter((c) => c.outcome === 'impeded').length,
    }).returning('*');
    onProgress({ phase: 'checking', done: row.done, total: Math.max(row.total, row.done) });
    const wait = batchMs - (Date.now() - started);
    if (wait > 0) await sleep(wait);
  }
  return sweepView(row);
}

export async function listSweeps(db: Knex) {
  const rows: SweepRow[] = await db('register_sweeps').orderBy('started_at', 'desc').limit(20);
  return { sweeps: rows.map(sweepView) };
}
