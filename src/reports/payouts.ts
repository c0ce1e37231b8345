import { Knex } from 'knex';
import { formatInCurrency } from '../ledger';
import { Cell, isoTime, SHAPE, TableReport } from './table';

export interface PayoutReportFilter {
  from?: Date;
  to?: Date;
  provider?: string;
  status?: string;
  manualReview?: boolean;
}

interface PayoutReportRow {
  id: string;
  transaction_id: string;
  player_id: string;
  currency: string;
  amount: string;
  provider: string;
  provider_reference: string | null;
  status: string;
  provider_status: string | null;
  requested_at: string;
  requested_key: string;
  finalized_at: string | null;
  settle_seconds: number | null;
  manual_review: boolean;
  review_reason: string | null;
}

/** Payouts by the time they were requested, oldest first: where each one is, how long it took, which need a person. */
export const payoutsReport: TableReport<PayoutReportFilter, PayoutReportRow> = {
  name: 'payouts',
  columns: ['payoutId', 'transactionId', 'playerId', 'currency', 'amount', 'provider', 'providerReference', 'status',
    'providerStatus', 'requestedAt', 'finalizedAt', 'settleSeconds', 'manualReview', 'reviewReason'],
  cursorShape: [SHAPE.timestamp, SHAPE.uuid],
  query(db, filter) {
    const query = db('payouts as o')
      .join('players as p', 'p.id', 'o.player_id')
      .select(
        'o.id',
        'o.transaction_id',
        'p.external_id as player_id',
        'o.currency',
        db.raw('o.amount::text AS amount'),
        'o.provider',
        'o.provider_reference',
        'o.status',
        'o.provider_status',
        isoTime(db, 'o.requested_at', 'requested_at'),
        isoTime(db, 'o.requested_at', 'requested_key', true),
        isoTime(db, 'o.finalized_at', 'finalized_at'),
        db.raw('floor(extract(epoch FROM o.finalized_at - o.requested_at))::int AS settle_seconds'),
        'o.manual_review',
        'o.review_reason',
      )
      .orderBy(['o.requested_at', 'o.id']);
    if (filter.from) query.where('o.requested_at', '>=', filter.from);
    if (filter.to) query.where('o.requested_at', '<', filter.to);
    if (filter.provider !== undefined) query.where('o.provider', filter.provider);
    if (filter.status !== undefined) query.where('o.status', filter.status);
    if (filter.manualReview !== undefined) query.where('o.manual_review', filter.manualReview);
    return query;
  },
  after(query: Knex.QueryBuilder, cursor: Cell[]) {
    query.whereRaw('(o.requested_at, o.id) > (?::timestamptz, ?::uuid)', cursor as string[]);
  },
  cursorOf: (row) => [row.requested_key, row.id],
  record: (row) => ({
    payoutId: row.id,
    transactionId: row.transaction_id,
    playerId: row.player_id,
    currency: row.currency,
    amount: formatInCurrency(row.amount, row.currency),
    provider: row.provider,
    providerReference: row.provider_reference,
    status: row.status,
    providerStatus: row.provider_status,
    requestedAt: row.requested_at,
    finalizedAt: row.finalized_at,
    settleSeconds: row.settle_seconds,
    manualReview: row.manual_review,
    reviewReason: row.review_reason,
  }),
};
