import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { PayoutsConfig } from '../config';
import { ApiError } from '../http';
import { formatInCurrency, systemAccount, transfer } from '../ledger';
import { Logger } from '../log';
import { auditedAmount, findPlayer, SYSTEM_ACTOR } from '../operator';
import { PAYS_REGISTERED_ACCOUNT, requestPayout } from '../payouts';
import { RegisterCheck } from './checks';

const DAY_MS = 24 * 60 * 60 * 1000;
/** IN SPA/MF 31/2025 (docs/protection.md): notice within 1 day, 2 days to withdraw, closed within 3, paid back within 2 of closure, 180 days unclaimed. */
export const DEADLINES = { noticeDays: 1, withdrawDays: 2, closeDays: 3, returnDays: 2, unclaimedDays: 180 } as const;

interface ImpedimentRow {
  id: string;
  player_id: string;
  check_id: string;
  reason: string | null;
  impeded_at: Date;
  rounds_cancelled: number;
  stakes_refunded: string;
  notice: string;
  noticed_at: Date;
  withdraw_until: Date;
  close_by: Date;
  closed_at: Date | null;
  return_by: Date | null;
  return_payout_id: string | null;
  returned_at: Date | null;
  unclaimed_amount: string | null;
  unclaimed_at: Date | null;
  unclaimed_until: Date | null;
  unclaimed_reason: string | null;
}

/** An impediment with its player's operator id and currency (impedimentsWithPlayer). */
type ImpedimentWithPlayer = ImpedimentRow & { external_id: string; currency: string };

const after = (from: Date, days: number) => new Date(from.getTime() + days * DAY_MS);
const iso = (date: Date | null) => date?.toISOString() ?? null;

function noticeText(reason: string | null, withdrawUntil: Date): string {
  return `Seu CPF consta como impedido de apostar no cadastro da Secretaria de Prêmios e Apostas (SIGAP, motivo: ${reason ?? 'não informado'}). `
    + `Novas apostas e depósitos estão bloqueados. Você pode sacar seu saldo até ${withdrawUntil.toISOString()}; depois a conta será encerrada `
    + 'e o saldo restante devolvido à conta em seu nome.';
}

/**
 * A barred answer, applied at once in one transaction: the account moves to `impeded` (no bets, no top-ups; wins,
 * rollbacks and withdrawals still flow), its open rounds are cancelled with their stakes refunded in full, the
 * notice to the player is recorded, and the deadlines are set from the check's time. An account already impeded
 * keeps its first impediment.
 */
export async function impede(db: Knex, playerId: string, check: RegisterCheck, traceId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const player = await trx('players').where({ id: playerId }).forUpdate().first('status', 'currency');
    if (player.status === 'impeded' || player.status === 'closed') return;
    await trx('players').where({ id: playerId }).update({ status: 'impeded', updated_at: check.checkedAt });
    const cancelled = (await trx.raw<{ rows: { r_rounds: number; r_refunded: string }[] }>(
      'SELECT * FROM protection_cancel_open_rounds(?)', [playerId])).rows[0];
    const withdrawUntil = after(check.checkedAt, DEADLINES.withdrawDays);
    await trx('impediments').insert({
      id: randomUUID(), player_id: playerId, check_id: check.id, reason: check.reason, impeded_at: check.checkedAt,
      rounds_cancelled: cancelled.r_rounds, stakes_refunded: cancelled.r_refunded,
      notice: noticeText(check.reason, withdrawUntil), noticed_at: check.checkedAt,
      withdraw_until: withdrawUntil, close_by: after(check.checkedAt, DEADLINES.closeDays),
    });
    await recordAudit(trx, { action: 'player.impede', playerId, details: { checkId: check.id, reason: check.reason, roundsCancelled: cancelled.r_rounds,
      stakesRefunded: formatInCurrency(cancelled.r_refunded, player.currency), currency: player.currency }, traceId });
  });
}

/** What moves an impediment along once its deadline has come; the payout module pays the balance back. */
export interface ImpedimentSteps {
  db: Knex;
  payouts: PayoutsConfig;
  approvalThresholds: Record<string, string>;
  logger: Logger;
}

/**
 * Every impediment whose next step is due at `now` takes it (a test moves `now`; the protection tick passes the
 * clock): after the withdrawal window the account closes and its balance is sent to the player's own account; a
 * return that fails, or cannot be made, moves the balance to `unclaimed` with its 180-day clock.
 */
export async function advanceImpediments(steps: ImpedimentSteps, now: Date, traceId: string): Promise<Record<Step, number>> {
  const counts: Record<Step, number> = { closed: 0, returned: 0, unclaimed: 0 };
  const due: ImpedimentWithPlayer[] = await impedimentsWithPlayer(steps.db).whereNull('i.returned_at').whereNull('i.unclaimed_at')
    .where((q) => q.where('i.withdraw_until', '<=', now).orWhereNotNull('i.return_payout_id'));
  for (const impediment of due) {
    const step = await advance(steps, impediment, now, traceId);
    if (step) counts[step] += 1;
  }
  return counts;
}

type Step = 'closed' | 'returned' | 'unclaimed';

async function advance(steps: ImpedimentSteps, impediment: ImpedimentWithPlayer, now: Date, traceId: string): Promise<Step | undefined> {
  if (!impediment.closed_at) {
    await closeAccount(steps.db, impediment, now, traceId);
    return (await returnBalance(steps, impediment, now, traceId)) ?? 'closed';
  }
  const payout = await steps.db('payouts').where({ id: impediment.return_payout_id }).first('status', 'finalized_at');
  if (payout.status === 'succeeded') {
    await steps.db('impediments').where({ id: impediment.id }).update({ returned_at: payout.finalized_at });
    return 'returned';
  }
  if (['failed', 'cancelled', 'reversed'].includes(payout.status)) {
    await moveToUnclaimed(steps.db, impediment, now, `the return payout ${impediment.return_payout_id} ended ${payout.status}`, traceId);
    return 'unclaimed';
  }
  return undefined; // still on its way
}

async function closeAccount(db: Knex, impediment: ImpedimentRow, now: Date, traceId: string) {
  await db.transaction(async (trx) => {
    await trx('players').where({ id: impediment.player_id }).update({ status: 'closed', updated_at: now });
    await trx('impediments').where({ id: impediment.id }).update({ closed_at: now, return_by: after(now, DEADLINES.returnDays) });
    await recordAudit(trx, { action: 'player.close', playerId: impediment.player_id, details: { impedimentId: impediment.id }, traceId });
  });
}

/**
 * Sends the closed account's balance to the player's own account through the default provider: the player's
 * registered account where that provider pays one (Hashlee), else the player's CPF as PIX key. Parks it as
 * unclaimed if it cannot.
 */
async function returnBalance(steps: ImpedimentSteps, impediment: ImpedimentWithPlayer, now: Date, traceId: string): Promise<'returned' | 'unclaimed' | undefined> {
  const player = await findPlayer(steps.db, impediment.external_id);
  if (BigInt(player.balance) === 0n) {
    await steps.db('impediments').where({ id: impediment.id }).update({ returned_at: now });
    return 'returned';
  }
  const provider = steps.payouts.defaultProvider;
  const registeredOnly = provider !== undefined && PAYS_REGISTERED_ACCOUNT.has(provider);
  try {
    const answer = await requestPayout(steps.db, steps.payouts, {
      playerId: player.external_id,
      amountText: formatInCurrency(player.balance, player.currency),
      ...(registeredOnly ? {} : { pixKey: player.document_number ?? undefined, pixKeyType: 'cpf' as const }),
      transactionId: `impediment:${impediment.id}:return`,
    }, { thresholds: steps.approvalThresholds, requester: SYSTEM_ACTOR, traceId });
    await steps.db('impediments').where({ id: impediment.id }).update({ return_payout_id: (answer.body as { payoutId: string }).payoutId });
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    steps.logger.warn('the balance of a closed account could not be sent back: it waits as unclaimed', { traceId, impedimentId: impediment.id, error: error.message });
    await moveToUnclaimed(steps.db, impediment, now, `${error.code}: ${error.message}`, traceId);
    return 'unclaimed';
  }
}

async function moveToUnclaimed(db: Knex, impediment: ImpedimentWithPlayer, now: Date, reason: string, traceId: string) {
  await db.transaction(async (trx) => {
    const player = await findPlayer(trx, impediment.external_id);
    const amount = BigInt(player.balance);
    if (amount > 0n) {
      await transfer(trx, { key: `impediment:${impediment.id}:unclaimed`, kind: 'unclaimed', debitAccountId: player.account_id,
        creditAccountId: await systemAccount(trx, 'unclaimed', player.currency), amount, reference: impediment.id });
    }
    await trx('impediments').where({ id: impediment.id }).update({ unclaimed_amount: amount.toString(), unclaimed_at: now,
      unclaimed_until: after(now, DEADLINES.unclaimedDays), unclaimed_reason: reason });
    await recordAudit(trx, { action: 'player.unclaimed', playerId: impediment.player_id, details: { impedimentId: impediment.id, ...auditedAmount(amount, player.currency), reason }, traceId });
  });
}

/** An impediment as the operator API shows it: every step's time, and whether each deadline held. */
export function impedimentView(row: ImpedimentWithPlayer) {
  const held = (done: Date | null, by: Date | null) => (done && by ? done <= by : null);
  return {
    impedimentId: row.id,
    playerId: row.external_id,
    reason: row.reason,
    impededAt: row.impeded_at.toISOString(),
    roundsCancelled: row.rounds_cancelled,
    stakesRefunded: formatInCurrency(row.stakes_refunded, row.currency),
    notice: row.notice,
    noticedAt: row.noticed_at.toISOString(),
    withdrawUntil: row.withdraw_until.toISOString(),
    closeBy: row.close_by.toISOString(),
    closedAt: iso(row.closed_at),
    returnBy: iso(row.return_by),
    returnPayoutId: row.return_payout_id,
    returnedAt: iso(row.returned_at),
    unclaimed: row.unclaimed_at ? { amount: formatInCurrency(row.unclaimed_amount!, row.currency), currency: row.currency, at: row.unclaimed_at.toISOString(),
      until: row.unclaimed_until!.toISOString(), reason: row.unclaimed_reason! } : null,
    deadlines: {
      notice: held(row.noticed_at, after(row.impeded_at, DEADLINES.noticeDays)),
      closed: held(row.closed_at, row.close_by),
      returned: held(row.returned_at ?? row.unclaimed_at, row.return_by),
    },
  };
}

export function impedimentsWithPlayer(db: Knex) {
  return db('impediments as i').join('players as p', 'p.id', 'i.player_id').select('i.*', 'p.external_id', 'p.currency');
}
