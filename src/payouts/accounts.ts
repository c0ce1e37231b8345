import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { PayoutProviderName } from '../config';
import { ApiError, uuidShaped } from '../http';
import { findPlayer } from '../operator';
import { invalid, ownPixKey, playerCpf } from './ownership';
import { PixKeyType } from './pix';

/**
 * Providers whose create call names a pre-registered account instead of a PIX key and a beneficiary: Hashlee's
 * `gateway_unit_account_id`, "the account to withdraw to". They pay only the player's own registered account.
 */
export const PAYS_REGISTERED_ACCOUNT: ReadonlySet<PayoutProviderName> = new Set(['hashlee']);

export interface PayoutAccountRow {
  id: string;
  player_id: string;
  provider: PayoutProviderName;
  account_id: string;
  holder_document: string;
  pix_key: string | null;
  pix_key_type: PixKeyType | null;
  created_at: Date;
  retired_at: Date | null;
}

export interface NewPayoutAccount {
  provider: PayoutProviderName;
  accountId: string;
  holderDocument: string;
  pixKey?: string;
  pixKeyType?: PixKeyType;
}

export function payoutAccountView(row: PayoutAccountRow, playerId: string) {
  return {
    payoutAccountId: row.id,
    playerId,
    provider: row.provider,
    accountId: row.account_id,
    holderDocument: row.holder_document,
    pixKey: row.pix_key,
    pixKeyType: row.pix_key_type,
    status: row.retired_at ? ('retired' as const) : ('active' as const),
    registeredAt: row.created_at.toISOString(),
    retiredAt: row.retired_at?.toISOString() ?? null,
  };
}

const conflict = (message: string) => new ApiError(409, 'PAYOUT_ACCOUNT_CONFLICT', message, 'accountId');

/** Why an existing registration of the same provider account stands in the way, or undefined for the same again. */
function refusalOver(existing: PayoutAccountRow, playerRowId: string, wanted: Omit<PayoutAccountRow, 'id' | 'created_at' | 'retired_at'>): ApiError | undefined {
  const name = `${existing.provider} account ${existing.account_id}`;
  if (existing.player_id !== playerRowId) return conflict(`${name} is registered to another player`);
  if (existing.retired_at) return conflict(`${name} was retired; a retired account is never registered again`);
  if (existing.holder_document !== wanted.holder_document || existing.pix_key !== wanted.pix_key) {
    return conflict(`${name} is already registered to this player with other details; retire it and register the account anew`);
  }
  return undefined;
}

/** The player's active account at a provider, if one is registered. */
export async function activePayoutAccount(db: Knex | Knex.Transaction, playerRowId: string, provider: PayoutProviderName): Promise<PayoutAccountRow | undefined> {
  return db('payout_accounts').where({ player_id: playerRowId, provider }).whereNull('retired_at').first();
}

/**
 * Registers a provider account in the player's own name: 201 new, 200 the same again, 409 when the account id is
 * another player's, retired, or registered with other details, or when the player already has an active account
 * at that provider. Audited.
 */
export async function registerPayoutAccount(db: Knex, playerId: string, input: NewPayoutAccount, traceId: string) {
  if (!PAYS_REGISTERED_ACCOUNT.has(input.provider)) {
    throw invalid('provider', `${input.provider} pays the PIX key given with each payout; payout accounts are for ${[...PAYS_REGISTERED_ACCOUNT].join(', ')}`);
  }
  const player = await findPlayer(db, playerId);
  const cpf = playerCpf(player);
  if (input.holderDocument.replace(/\D/g, '') !== cpf) {
    throw invalid('holderDocument', "must be the player's own CPF: prizes are paid only to an account in the player's name (Portaria SPA/MF 615/2024)", 'PAYOUT_ACCOUNT_NOT_OWN');
  }
  const key = input.pixKey === undefined ? undefined : ownPixKey(input.pixKey, input.pixKeyType, cpf);
  const wanted = { player_id: player.id, provider: input.provider, account_id: input.accountId, holder_document: cpf, pix_key: key?.key ?? null, pix_key_type: key?.type ?? null };
  return db.transaction(async (trx) => {
    const existing = (): Promise<PayoutAccountRow | undefined> => trx('payout_accounts').where({ provider: input.provider, account_id: input.accountId }).first();
    const settle = (row: PayoutAccountRow) => {
      const refusal = refusalOver(row, player.id, wanted);
      if (refusal) throw refusal;
      return { created: false, account: payoutAccountView(row, playerId) };
    };
    const before = await existing();
    if (before) return settle(before);
    // a registration racing this one is met by the unique indexes, never by a second row
    const [row]: PayoutAccountRow[] = await trx('payout_accounts').insert({ id: randomUUID(), ...wanted }).onConflict().ignore().returning('*');
    if (!row) {
      const raced = await existing();
      if (raced) return settle(raced);
      const active = await activePayoutAccount(trx, player.id, input.provider);
      throw conflict(`player ${playerId} already has an active ${input.provider} account (${active?.account_id}); retire it first`);
    }
    await recordAudit(trx, { action: 'payout_account.register', playerId: player.id, details: { payoutAccountId: row.id, provider: row.provider, accountId: row.account_id, pixKey: row.pix_key }, traceId });
    return { created: true, account: payoutAccountView(row, playerId) };
  });
}

export async function listPayoutAccounts(db: Knex, playerId: string) {
  const player = await findPlayer(db, playerId);
  const rows: PayoutAccountRow[] = await db('payout_accounts').where({ player_id: player.id }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  return { payoutAccounts: rows.map((row) => payoutAccountView(row, playerId)) };
}

/** Retires an account: kept for audit, never paid again, its id never registered again. Retiring twice is a no-op. */
export async function retirePayoutAccount(db: Knex, playerId: string, payoutAccountId: string, traceId: string) {
  const player = await findPlayer(db, playerId);
  return db.transaction(async (trx) => {
    const row: PayoutAccountRow | undefined = uuidShaped(payoutAccountId)
      ? await trx('payout_accounts').where({ id: payoutAccountId, player_id: player.id }).forUpdate().first()
      : undefined;
    if (!row) throw new ApiError(404, 'PAYOUT_ACCOUNT_NOT_FOUND', `player ${playerId} has no payout account ${payoutAccountId}`);
    if (row.retired_at) return payoutAccountView(row, playerId);
    const [retired]: PayoutAccountRow[] = await trx('payout_accounts').where({ id: row.id }).update({ retired_at: trx.fn.now() }).returning('*');
    await recordAudit(trx, { action: 'payout_account.retire', playerId: player.id, details: { payoutAccountId: row.id, provider: row.provider, accountId: row.account_id }, traceId });
    return payoutAccountView(retired, playerId);
  });
}
