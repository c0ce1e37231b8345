import { Knex } from 'knex';
import { formatInCurrency } from '../ledger';
import { ReportRecord } from './table';

export const GROUPINGS = ['day', 'game', 'player', 'currency'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface SummaryFilter {
  from?: Date;
  to?: Date;
  groupBy: Grouping;
}

/** The group's key column in the answer, and the SQL that computes it from a fact. */
const KEYS: Record<Grouping, { column: string | null; sql: string }> = {
  day: { column: 'day', sql: `to_char(f.at AT TIME ZONE 'UTC', 'YYYY-MM-DD')` },
  game: { column: 'gameId', sql: 'f.game_id' },
  player: { column: 'playerId', sql: 'p.external_id' },
  currency: { column: null, sql: `''` },
};

const MONEY = ['bets', 'wins', 'refunds', 'ggr', 'topUps', 'adjustments', 'payoutsRequested', 'payoutsSucceeded',
  'payoutsFailed', 'payoutsReversed', 'depositsCredited', 'depositsHeld', 'depositsReturned'] as const;
/** Money that belongs to no game: null when grouping by game. */
const NOT_GAME = new Set<string>(['topUps', 'adjustments', 'payoutsRequested', 'payoutsSucceeded', 'payoutsFailed',
  'payoutsReversed', 'payoutsRequestedCount', 'payoutsSucceededCount', 'payoutsFailedCount', 'payoutsReversedCount',
  'depositsCredited', 'depositsCreditedCount', 'depositsHeld', 'depositsHeldCount', 'depositsReturned', 'depositsReturnedCount']);

export function summaryColumns(groupBy: Grouping): string[] {
  const key = KEYS[groupBy].column;
  return [...(key ? [key] : []), 'currency', 'bets', 'wins', 'refunds', 'ggr', 'rounds', 'activePlayers', 'topUps',
    'adjustments', 'payoutsRequested', 'payoutsRequestedCount', 'payoutsSucceeded', 'payoutsSucceededCount',
    'payoutsFailed', 'payoutsFailedCount', 'payoutsReversed', 'payoutsReversedCount', 'depositsCredited', 'depositsCreditedCount',
    'depositsHeld', 'depositsHeldCount', 'depositsReturned', 'depositsReturnedCount'];
}

/**
 * Every money fact with its time, from the records that moved it: accepted bets, wins and refunds (the wallet's
 * transactions), rounds by their opening, top-ups and adjustments (signed for the player), payout legs
 * (reserve = requested, settle = succeeded, release = failed or cancelled, reverse = returned after success), and
 * deposit legs (credit = credited, hold = held, return = a held deposit given back).
 */
const FACTS = `
  SELECT w.created_at AS at, w.currency, w.player_id, w.game_id, w.amount,
         CASE w.kind WHEN 'withdraw' THEN 'bet' WHEN 'deposit' THEN 'win' ELSE 'refund' END AS metric
  FROM wallet_transactions w
  WHERE w.response_status = 200 AND (w.debit_account_id IS NOT NULL OR w.transfer_id IS NOT NULL) AND w.created_at >= :from AND w.created_at < :to
  UNION ALL
  SELECT r.opened_at, r.currency, r.player_id, r.game_id, 0, 'round' FROM rounds r
  WHERE r.opened_at >= :from AND r.opened_at < :to
  UNION ALL
  SELECT t.created_at, t.currency, coalesce(c.player_id, d.player_id), NULL,
         CASE WHEN c.player_id IS NOT NULL THEN t.amount ELSE -t.amount END, t.kind
  FROM transfers t JOIN accounts c ON c.id = t.credit_account_id JOIN accounts d ON d.id = t.debit_account_id
  WHERE t.kind IN ('topup', 'adjustment') AND t.created_at >= :from AND t.created_at < :to
  UNION ALL
  SELECT t.created_at, t.currency, o.player_id, NULL, t.amount, t.kind
  FROM transfers t JOIN payouts o ON o.id::text = t.reference
  WHERE t.kind IN ('payout_reserve', 'payout_settle', 'payout_release', 'payout_reverse')
    AND t.created_at >= :from AND t.created_at < :to
  UNION ALL
  SELECT t.created_at, t.currency, d.player_id, NULL, t.amount, t.kind
  FROM transfers t JOIN deposits d ON d.id::text = t.reference
  WHERE t.kind IN ('deposit_credit', 'deposit_hold', 'deposit_return')
    AND t.created_at >= :from AND t.created_at < :to`;

function summarySql(groupBy: Grouping): string {
  const key = KEYS[groupBy].sql;
  const sum = (metric: string) => `coalesce(sum(f.amount) FILTER (WHERE f.metric = '${metric}'), 0)::text`;
  const count = (metric: string) => `count(*) FILTER (WHERE f.metric = '${metric}')::int`;
  return `
    SELECT ${key} AS key, f.currency,
      ${sum('bet')} AS bets, ${sum('win')} AS wins, ${sum('refund')} AS refunds,
      (${sum('bet')}::bigint - ${sum('win')}::bigint - ${sum('refund')}::bigint)::text AS ggr,
      ${count('round')} AS rounds,
      count(DISTINCT f.player_id) FILTER (WHERE f.metric IN ('bet', 'win', 'refund'))::int AS "activePlayers",
      ${sum('topup')} AS "topUps", ${sum('adjustment')} AS adjustments,
      ${sum('payout_reserve')} AS "payoutsRequested", ${count('payout_reserve')} AS "payoutsRequestedCount",
      ${sum('payout_settle')} AS "payoutsSucceeded", ${count('payout_settle')} AS "payoutsSucceededCount",
      ${sum('payout_release')} AS "payoutsFailed", ${count('payout_release')} AS "payoutsFailedCount",
      ${sum('payout_reverse')} AS "payoutsReversed", ${count('payout_reverse')} AS "payoutsReversedCount",
      ${sum('deposit_credit')} AS "depositsCredited", ${count('deposit_credit')} AS "depositsCreditedCount",
      ${sum('deposit_hold')} AS "depositsHeld", ${count('deposit_hold')} AS "depositsHeldCount",
      ${sum('deposit_return')} AS "depositsReturned", ${count('deposit_return')} AS "depositsReturnedCount"
    FROM (${FACTS}) f ${groupBy === 'player' ? 'JOIN players p ON p.id = f.player_id' : ''}
    ${groupBy === 'game' ? `WHERE f.metric IN ('bet', 'win', 'refund', 'round')` : ''}
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

/**
 * Totals per group and currency (money is never added across currencies), by the time each movement happened.
 * GGR is bets − wins − refunds. Top-ups, adjustments, payouts and deposits belong to no game: null when grouped by game.
 */
export async function summary(db: Knex, filter: SummaryFilter): Promise<ReportRecord[]> {
  const range = { from: filter.from ?? new Date('0001-01-01T00:00:00Z'), to: filter.to ?? new Date('9999-12-31T00:00:00Z') };
  // positional bindings: knex's named ones would trip over PostgreSQL's :: casts
  const bindings: Date[] = [];
  const sql = summarySql(filter.groupBy).replace(/:(from|to)\b/g, (_match, name: 'from' | 'to') => {
    bindings.push(range[name]);
    return '?::timestamptz';
  });
  const { rows } = await db.raw(sql, bindings);
  const keyColumn = KEYS[filter.groupBy].column;
  return rows.map((row: Record<string, string | number>) => {
    const record: ReportRecord = keyColumn ? { [keyColumn]: row.key } : {};
    record.currency = row.currency;
    for (const column of summaryColumns(filter.groupBy).slice(keyColumn ? 2 : 1)) {
      const value = row[column];
      if (filter.groupBy === 'game' && NOT_GAME.has(column)) record[column] = null;
      else record[column] = (MONEY as readonly string[]).includes(column) ? formatInCurrency(value, String(row.currency)) : value;
    }
    return record;
  });
}
