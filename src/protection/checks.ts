import { Knex } from 'knex';
import { Logger } from '../log';
import { ImpedimentRegistry, RegistryUnreachable } from './registry';

export type CheckTrigger = 'registration' | 'daily' | 'sweep' | 'retry';
export type CheckOutcome = 'permitted' | 'impeded' | 'unreachable';

/** A player as a check needs them: the id, and the CPF as registered. */
export interface RegisteredPlayer {
  id: string;
  document_number: string | null;
}

export interface RegisterCheck {
  id: string;
  outcome: CheckOutcome;
  reason: string | null;
  checkedAt: Date;
}

/** The calendar day (YYYY-MM-DD) of `now` in the jurisdiction's time zone: a daily check is due once per such day. */
export function dayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * Asks the register about one CPF and keeps the question and answer as evidence (register_checks, 5 years). An
 * outage is an answer too: recorded and logged, never read as a verdict on the CPF.
 */
export async function askRegister(db: Knex | Knex.Transaction, registry: ImpedimentRegistry, logger: Logger,
  ask: { cpf: string; playerId: string | null; trigger: CheckTrigger; traceId: string; now: Date }): Promise<RegisterCheck> {
  let outcome: CheckOutcome;
  let reason: string | null = null;
  let answer: string;
  try {
    const found = await registry.check(ask.cpf, ask.traceId);
    outcome = found.impeded ? 'impeded' : 'permitted';
    reason = found.impeded ? found.reason : null;
    answer = found.raw;
  } catch (error) {
    if (!(error instanceof RegistryUnreachable)) throw error;
    outcome = 'unreachable';
    answer = error.message;
    logger.warn('SPA register unreachable: bets and deposits of the player wait for a successful check', {
      traceId: ask.traceId, trigger: ask.trigger, playerId: ask.playerId, error: error.message });
  }
  const [row] = await db('register_checks').insert({
    player_id: ask.playerId, cpf: ask.cpf, trigger: ask.trigger, outcome, reason, answer, trace_id: ask.traceId, checked_at: ask.now,
  }).returning<{ id: string }[]>('id');
  return { id: String(row.id), outcome, reason, checkedAt: ask.now };
}

/** A player's checks, newest first, as the operator API shows them. */
export async function checkHistory(db: Knex, playerId: string, limit = 50) {
  const rows = await db('register_checks').where({ player_id: playerId }).orderBy('id', 'desc').limit(limit);
  return rows.map((r) => ({
    checkId: String(r.id),
    trigger: r.trigger as CheckTrigger,
    outcome: r.outcome as CheckOutcome,
    reason: r.reason as string | null,
    answer: r.answer as string,
    traceId: r.trace_id as string | null,
    checkedAt: (r.checked_at as Date).toISOString(),
  }));
}
