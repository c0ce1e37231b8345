import { Knex } from 'knex';
import { formatInCurrency } from '../ledger';
import type { Aggregator } from '../operator';
import { Cell, isoTime, SHAPE, TableReport } from './table';

export interface RoundFilter {
  from?: Date;
  to?: Date;
  playerId?: string;
  gameId?: string;
  status?: 'open' | 'closed';
  aggregator?: Aggregator;
}

interface RoundRow {
  aggregator: string;
  client: string;
  client_id: number;
  player_key: string;
  player_id: string;
  game_round_id: string;
  game_id: string;
  currency: string;
  bets: string;
  wins: string;
  refunds: string;
  net: string;
  transactions: number;
  opened_at: string;
  opened_key: string;
  closed_at: string | null;
}

/**
 * One row per game round, by the time it opened: what the player staked, won and got refunded, and the casino's
 * net (bets − wins − refunds). A round is open until a call marked it finished. `aggregator` is whose contract
 * played it; `client` the name of its integration (for Hub88, its first key's).
 */
export const roundsReport: TableReport<RoundFilter, RoundRow> = {
  name: 'rounds',
  columns: ['client', 'roundId', 'playerId', 'gameId', 'currency', 'bets', 'wins', 'refunds', 'net', 'transactions',
    'open', 'openedAt', 'closedAt', 'aggregator'], // aggregator last: CSV read by position keeps working
  cursorShape: [SHAPE.timestamp, SHAPE.integer, SHAPE.integer, SHAPE.text],
  query(db, filter) {
    const query = db('rounds as r')
      .join('players as p', 'p.id', 'r.player_id')
      .join('api_clients as c', 'c.id', 'r.client_id')
      .select(
        'c.aggregator',
        'c.name as client',
        'r.client_id',
        'r.player_id as player_key',
        'p.external_id as player_id',
        'r.game_round_id',
        'r.game_id',
        'r.currency',
        db.raw('r.bets::text AS bets, r.wins::text AS wins, r.refunds::text AS refunds'),
        db.raw('(r.bets - r.wins - r.refunds)::text AS net'),
        db.raw('r.withdraw_count + r.deposit_count + r.rollback_count AS transactions'),
        isoTime(db, 'r.opened_at', 'opened_at'),
        isoTime(db, 'r.opened_at', 'opened_key', true),
        isoTime(db, 'r.closed_at', 'closed_at'),
      )
      .orderBy(['r.opened_at', 'r.client_id', 'r.player_id', 'r.game_round_id']);
    if (filter.from) query.where('r.opened_at', '>=', filter.from);
    if (filter.to) query.where('r.opened_at', '<', filter.to);
    if (filter.playerId !== undefined) query.where('p.external_id', filter.playerId);
    if (filter.gameId !== undefined) query.where('r.game_id', filter.gameId);
    if (filter.aggregator !== undefined) query.where('c.aggregator', filter.aggregator);
    if (filter.status === 'open') query.whereNull('r.closed_at');
    if (filter.status === 'closed') query.whereNotNull('r.closed_at');
    return query;
  },
  after(query: Knex.QueryBuilder, cursor: Cell[]) {
    query.whereRaw('(r.opened_at, r.client_id, r.player_id, r.game_round_id) > (?::timestamptz, ?::int, ?::bigint, ?::text)', cursor as string[]);
  },
  cursorOf: (row) => [row.opened_key, row.client_id, row.player_key, row.game_round_id],
  record: (row) => ({
    aggregator: row.aggregator,
    client: row.client,
    roundId: row.game_round_id,
    playerId: row.player_id,
    gameId: row.game_id,
    currency: row.currency,
    bets: formatInCurrency(row.bets, row.currency),
    wins: formatInCurrency(row.wins, row.currency),
    refunds: formatInCurrency(row.refunds, row.currency),
    net: formatInCurrency(row.net, row.currency),
    transactions: row.transactions,
    open: row.closed_at === null,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
  }),
};
