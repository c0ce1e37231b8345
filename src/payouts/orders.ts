import { Knex } from 'knex';
import { formatAmount } from '../ledger';
import { PayoutOrder } from './providers/types';
import { PayoutRow } from './transitions';

/** A payout with what its provider needs to pay it: the engine sends and checks with it, reconcile compares it. */
export async function loadOrder(db: Knex, payoutId: string): Promise<{ payout: PayoutRow; order: PayoutOrder } | undefined> {
  const payout: (PayoutRow & { external_id: string; account_id: string | null }) | undefined = await db('payouts as p')
    .join('players as pl', 'pl.id', 'p.player_id')
    .leftJoin('payout_accounts as pa', 'pa.id', 'p.payout_account_id')
    .where('p.id', payoutId)
    .first('p.*', 'pl.external_id', 'pa.account_id');
  if (!payout) return undefined;
  return {
    payout,
    order: {
      id: payout.id,
      amount: formatAmount(payout.amount, 2),
      currency: 'BRL',
      pixKey: payout.pix_key,
      pixKeyType: payout.pix_key_type,
      accountId: payout.account_id,
      beneficiaryDocument: payout.beneficiary_document,
      beneficiaryName: payout.beneficiary_name,
      playerId: payout.external_id,
    },
  };
}
