import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { ApiError } from '../http';
import { forbidden } from './permissions';
import type { PlayerProtection } from './protection';
import { currencyExponent, formatAmount, openPlayerAccount, parseAmount, AmountError } from '../ledger';

export interface PlayerRow {
  id: string;
  external_id: string;
  currency: string;
  first_name: string | null;
  last_name: string | null;
  document_number: string | null;
  /** birth_date as YYYY-MM-DD. */
  birth_day: string | null;
  kyc_status: string;
  /** KYC_REQUIRED as the wallet's routines read it (wallet_settings). */
  kyc_required: boolean;
  status: 'active' | 'blocked' | 'impeded' | 'closed';
  reality_check_pending: boolean;
  register_state: 'unchecked' | 'clear' | 'unreachable';
  register_checked_on: string | null;
  session_checked_on: string | null;
  paused_until: Date | null;
  created_at: Date;
  account_id: string;
  balance: string;
}

export const LIMIT_KINDS = {
  betMax: 'bet_max', loss24h: 'loss_24h', loss7d: 'loss_7d', loss30d: 'loss_30d', deposit24h: 'deposit_24h', deposit7d: 'deposit_7d', deposit30d: 'deposit_30d',
  timeDay: 'time_day', timeWeek: 'time_week', timeMonth: 'time_month',
} as const;
/** Play-time limits count minutes, every other limit money in minor units. */
const isTimeLimit = (kind: string) => kind.startsWith('time_');
export type LimitName = keyof typeof LIMIT_KINDS;
/** How long a raised or removed limit waits before it applies (UK RTS 12, Brazil Portaria 1.231/2024). */
export const LIMIT_COOLING_OFF_MS = 24 * 60 * 60 * 1000;

/** Players joined with their cash account: PlayerRow's columns. */
function playersWithCash(db: Knex | Knex.Transaction): Knex.QueryBuilder {
  return db('players as p')
    .join('accounts as a', function joinCash() {
      this.on('a.player_id', 'p.id').andOnVal('a.kind', 'player_cash');
    })
    .select('p.*', db.raw(`to_char(p.birth_date, 'YYYY-MM-DD') AS birth_day`), db.raw('(SELECT kyc_required FROM wallet_settings) AS kyc_required'),
      'a.id as account_id', 'a.balance');
}

export async function findPlayer(db: Knex | Knex.Transaction, externalId: string, lock = false): Promise<PlayerRow> {
  const query = playersWithCash(db).where('p.external_id', externalId).first<PlayerRow | undefined>();
  const row = await (lock ? query.forUpdate() : query);
  if (!row) throw new ApiError(404, 'PLAYER_NOT_FOUND', `player ${externalId} does not exist`);
  return row;
}

/**
 * KYC_REQUIRED (docs/kyc.md): a player whose identity is not verified opens no session, launches no game and is
 * neither topped up, nor takes a deposit, nor is paid out: 403 KYC_REQUIRED naming the state. A person's suspension
 * holds the same whatever the switch says: 403 KYC_SUSPENDED.
 */
export function refuseUnverified(player: Pick<PlayerRow, 'external_id' | 'kyc_required' | 'kyc_status'>, what: string): void {
  if (player.kyc_status === 'suspended') {
    throw new ApiError(403, 'KYC_SUSPENDED', `${what} waits: player ${player.external_id} is suspended while an investigation runs (docs/kyc.md)`);
  }
  if (player.kyc_required && player.kyc_status !== 'verified') {
    throw new ApiError(403, 'KYC_REQUIRED', `${what} needs a verified identity; player ${player.external_id}'s verification is ${player.kyc_status} (docs/kyc.md)`);
  }
}

export function exponentOf(currency: string): number {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new ApiError(400, 'VALIDATION_ERROR', `currency ${currency} is not supported`, 'currency');
  return exponent;
}

/** Reads an operator amount (a JSON number's exact text or a decimal string) into minor units. */
export function operatorAmount(
  text: string,
  currency: string,
  field: string,
  options: { allowNegative?: boolean } = {},
): bigint {
  try {
    return parseAmount(text, exponentOf(currency), options);
  } catch (error) {
    if (error instanceof AmountError) throw new ApiError(400, 'VALIDATION_ERROR', `${field} ${error.message}`, field);
    throw error;
  }
}

interface LimitRow {
  kind: string;
  amount: string | null;
  pending_amount: string | null;
  pending_effective_at: Date | null;
}

function effectiveLimit(row: LimitRow, now: Date): string | null {
  return row.pending_effective_at && row.pending_effective_at <= now ? row.pending_amount : row.amount;
}

/** The end of the player's pause, while one is on (a past pause_until is no pause). */
export function activePause(player: { paused_until: Date | null }, now = new Date()): string | null {
  return player.paused_until && player.paused_until > now ? player.paused_until.toISOString() : null;
}

export async function playerView(db: Knex | Knex.Transaction, player: PlayerRow) {
  const currencyExponent = exponentOf(player.currency);
  const rows: LimitRow[] = await db('player_limits').where('player_id', player.id);
  const now = new Date();
  const limits: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(LIMIT_KINDS)) {
    const row = rows.find((r) => r.kind === kind);
    if (!row) continue;
    const current = effectiveLimit(row, now);
    const pending = row.pending_effective_at && row.pending_effective_at > now;
    if (current === null && !pending) continue;
    const exponent = isTimeLimit(kind) ? 0 : currencyExponent;
    limits[name] = {
      amount: current === null ? null : formatAmount(current, exponent),
      ...(pending
        ? {
            pending: {
              amount: row.pending_amount === null ? null : formatAmount(row.pending_amount, exponent),
              effectiveAt: row.pending_effective_at!.toISOString(),
            },
          }
        : {}),
    };
  }
  return {
    playerId: player.external_id,
    currency: player.currency,
    balance: formatAmount(player.balance, currencyExponent),
    status: player.status,
    pausedUntil: activePause(player),
    firstName: player.first_name,
    lastName: player.last_name,
    documentNumber: player.document_number,
    birthDate: player.birth_day,
    kycStatus: player.kyc_status,
    realityCheckPending: player.reality_check_pending,
    limits,
    createdAt: player.created_at.toISOString(),
  };
}

/** Players whose id starts with `prefix`, in id order (served by the text_pattern_ops index of migration 006). */
export interface PlayerFilter {
  /** The first characters of the playerId (% and _ literal). */
  search?: string;
  status?: PlayerRow['status'];
  /** Created at or after `from`, before `to`. */
  from?: Date;
  to?: Date;
  limit: number;
  /** The last playerId of the previous page. */
  cursor?: string;
}

/** Players, newest first, a page at a time; `search` narrows them to ids that start with it. */
export async function listPlayers(db: Knex, filter: PlayerFilter) {
  const query = playersWithCash(db);
  if (filter.search !== undefined) query.where('p.external_id', 'like', `${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (filter.status) query.where('p.status', filter.status);
  if (filter.from) query.where('p.created_at', '>=', filter.from);
  if (filter.to) query.where('p.created_at', '<', filter.to);
  if (filter.cursor !== undefined) {
    const last = await findPlayer(db, filter.cursor);
    query.whereRaw('(p.created_at, p.id) < (?, ?)', [last.created_at, last.id]);
  }
  const rows: PlayerRow[] = await query.orderBy([{ column: 'p.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(filter.limit);
  return {
    players: rows.map((row) => ({
      playerId: row.external_id,
      currency: row.currency,
      balance: formatAmount(row.balance, exponentOf(row.currency)),
      status: row.status,
      firstName: row.first_name,
      lastName: row.last_name,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: rows.length === filter.limit ? rows[rows.length - 1].external_id : null,
  };
}

export interface NewPlayer {
  playerId: string;
  currency: string;
  firstName?: string;
  lastName?: string;
  documentNumber?: string;
  /** YYYY-MM-DD, recorded for the age check of identity verification (docs/kyc.md). */
  birthDate?: string;
}

function sameIdentity(row: PlayerRow, input: NewPlayer): boolean {
  return (
    row.currency === input.currency &&
    row.first_name === (input.firstName ?? null) &&
    row.last_name === (input.lastName ?? null) &&
    row.document_number === (input.documentNumber ?? null) &&
    row.birth_day === (input.birthDate ?? null)
  );
}

/**
 * Creates a player and its cash account; repeating the same creation is harmless (created: false). The
 * jurisdiction's protection admits the player first (under BR: the SPA register check of the CPF).
 */
export async function createPlayer(db: Knex, input: NewPlayer, protection: PlayerProtection, traceId: string) {
  exponentOf(input.currency);
  if (input.birthDate !== undefined && input.birthDate > new Date().toISOString().slice(0, 10)) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'birthDate is in the future', 'birthDate');
  }
  const admitted = await protection.admit(input, traceId);
  return db.transaction(async (trx) => {
    const inserted = await trx('players')
      .insert({
        external_id: input.playerId,
        currency: input.currency,
        first_name: input.firstName ?? null,
        last_name: input.lastName ?? null,
        document_number: input.documentNumber ?? null,
        birth_date: input.birthDate ?? null,
      })
      .onConflict('external_id')
      .ignore()
      .returning<{ id: string }[]>('id');
    if (inserted.length > 0) {
      await openPlayerAccount(trx, inserted[0].id, input.currency);
      await admitted(trx, inserted[0].id);
      await recordAudit(trx, { action: 'player.create', playerId: inserted[0].id, details: { playerId: input.playerId, currency: input.currency }, traceId });
    }
    const player = await findPlayer(trx, input.playerId);
    if (inserted.length === 0 && !sameIdentity(player, input)) {
      throw new ApiError(409, 'PLAYER_EXISTS', `player ${input.playerId} already exists with different data`);
    }
    return { created: inserted.length > 0, player: await playerView(trx, player) };
  });
}

export interface PlayerUpdate {
  status?: 'active' | 'blocked';
  realityCheckPending?: boolean;
  limits?: Partial<Record<LimitName, string | number | null>>;
  pausedUntil?: string | null;
}

/**
 * When a pause asked for at `now` ends: setting or lengthening one applies at once; shortening or ending one waits
 * for the cooling-off, like raising a limit (a pause protects the player, so undoing it is the slow direction).
 */
function pauseEnd(current: Date | null, requested: Date | null, now: Date): Date | null {
  const active = current && current > now ? current : null;
  if (requested !== null && (active === null || requested >= active)) return requested;
  if (active === null) return null;
  const earliest = new Date(now.getTime() + LIMIT_COOLING_OFF_MS);
  return requested === null || requested < earliest ? (earliest < active ? earliest : active) : requested;
}

function pauseTime(text: string): Date {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new ApiError(400, 'VALIDATION_ERROR', 'pausedUntil must be an ISO 8601 time', 'pausedUntil');
  return at;
}

/** Sets one limit: a lower one at once, a higher one (or a removal) after the cooling-off; says whether it lowered. */
async function setLimit(trx: Knex.Transaction, player: PlayerRow, kind: string, requested: bigint | null): Promise<boolean> {
  const now = new Date();
  const row: LimitRow | undefined = await trx('player_limits').where({ player_id: player.id, kind }).forUpdate().first();
  const current = row ? effectiveLimit(row, now) : null;
  const lowers = requested !== null && (current === null || requested <= BigInt(current));
  const values = lowers
    ? { amount: requested!.toString(), pending_amount: null, pending_effective_at: null }
    : {
        amount: current,
        pending_amount: requested === null ? null : requested.toString(),
        pending_effective_at: new Date(now.getTime() + LIMIT_COOLING_OFF_MS),
      };
  await trx('player_limits')
    .insert({ player_id: player.id, kind, ...values, updated_at: now })
    .onConflict(['player_id', 'kind'])
    .merge();
  return lowers;
}

/**
 * Blocks or unblocks, flags a reality check, and sets limits (decreases at once, increases after 24 h). Raising or
 * removing a limit needs `mayRaise` (the limits.raise permission); without it nothing of the update is kept.
 */
export async function updatePlayer(db: Knex, externalId: string, update: PlayerUpdate, numberTexts: Map<string, string>, mayRaise: boolean) {
  return db.transaction(async (trx) => {
    const player = await findPlayer(trx, externalId, true);
    const changes: Record<string, unknown> = {};
    if (update.status !== undefined && (player.status === 'impeded' || player.status === 'closed')) {
      throw new ApiError(409, 'PLAYER_IMPEDED', `player ${externalId} is ${player.status} by the SPA register: its status is not the operator's to change`);
    }
    if (update.status !== undefined) changes.status = update.status;
    if (update.pausedUntil !== undefined) changes.paused_until = pauseEnd(player.paused_until, update.pausedUntil === null ? null : pauseTime(update.pausedUntil), new Date());
    if (update.realityCheckPending !== undefined) changes.reality_check_pending = update.realityCheckPending;
    if (Object.keys(changes).length > 0) {
      await trx('players').where('id', player.id).update({ ...changes, updated_at: new Date() });
    }
    for (const [name, value] of Object.entries(update.limits ?? {})) {
      const field = `limits.${name}`;
      const text = typeof value === 'number' ? numberTexts.get(field) ?? String(value) : value;
      const kind = LIMIT_KINDS[name as LimitName];
      const amount = text === null || text === undefined ? null : isTimeLimit(kind) ? BigInt(text) : operatorAmount(text, player.currency, field);
      const lowered = await setLimit(trx, player, kind, amount);
      if (!lowered && !mayRaise) throw forbidden('limits.raise');
    }
    await recordAudit(trx, { action: 'player.update', playerId: player.id, details: { ...update } });
    return playerView(trx, await findPlayer(trx, externalId));
  });
}
