import { Knex } from 'knex';
import { PayoutProviderName } from '../config';

/**
 * A provider's pay-in clearing account is a system account of kind payin_clearing whose `shard` numbers the
 * provider (the ledger's system accounts are unique by kind, currency and shard). It goes negative by what the
 * provider received for us; the held account (one per currency) keeps what arrived but may not be credited.
 */
const PROVIDER_NUMBER: Record<PayoutProviderName, number> = { sandbox: 0, jumppag: 1, orkestra: 2, paystar: 3, hashlee: 4 };

async function systemAccountOf(trx: Knex.Transaction, kind: 'payin_clearing' | 'payin_held', currency: string, shard: number): Promise<string> {
  await trx.raw(`INSERT INTO accounts (kind, currency, shard, allow_negative) VALUES (?, ?, ?, ?)
    ON CONFLICT (kind, currency, shard) WHERE player_id IS NULL DO NOTHING`, [kind, currency, shard, kind === 'payin_clearing']);
  const row = await trx('accounts').where({ kind, currency, shard }).whereNull('player_id').first('id');
  return row.id;
}

export const clearingAccount = (trx: Knex.Transaction, provider: string, currency: string) =>
  systemAccountOf(trx, 'payin_clearing', currency, PROVIDER_NUMBER[provider as PayoutProviderName]);

export const heldAccount = (trx: Knex.Transaction, currency: string) => systemAccountOf(trx, 'payin_held', currency, 0);
