import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import { ApiError, dateParam } from '../http';
import { formatInCurrency } from '../ledger';
import { SigapColumn } from '../config';
import { Cell } from './table';

const SQL = fs.readFileSync(path.join(__dirname, 'sigap.sql'), 'utf8');

interface DayRow {
  record: string;
  occurred_at: string;
  sequence: string;
  player_id: string;
  cpf: string | null;
  kind: string;
  amount: string | null;
  balance_after: string | null;
  currency: string;
  reference: string | null;
  game_id: string | null;
  game_round_id: string | null;
  status: string | null;
  sigap_status: number | null;
}

/** A reference day (YYYY-MM-DD, a real date) or a 400 naming `date`. */
export function referenceDay(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'date must be a calendar day, YYYY-MM-DD', 'date');
  }
  dateParam(value, 'date'); // refuses a day that does not exist (2026-02-30)
  return value;
}

/** Where the day file's day begins and ends: midnight to midnight in `timeZone`. */
export async function dayBounds(trx: Knex.Transaction, day: string, timeZone: string): Promise<{ from: Date; to: Date }> {
  const { rows } = await trx.raw<{ rows: { from: Date; to: Date }[] }>(
    'SELECT (?::date)::timestamp AT TIME ZONE ? AS "from", (?::date + 1)::timestamp AT TIME ZONE ? AS "to"', [day, timeZone, day, timeZone]);
  return rows[0];
}

/** The day's rows in file order, and their count, in the caller's snapshot. */
export async function sigapDay(trx: Knex.Transaction, bounds: { from: Date; to: Date }) {
  const { rows } = await trx.raw<{ rows: { n: number }[] }>(`SELECT count(*)::int AS n FROM (${SQL}) AS day`, bounds);
  return { count: rows[0].n, rows: trx.raw(SQL, bounds).stream() };
}

/** A row as the day file's cells, by column name (config SIGAP_COLUMN_NAMES; docs/protection.md says what each holds). */
export function sigapRecord(row: DayRow): Record<SigapColumn, Cell> {
  const money = (value: string | null) => (value === null ? null : formatInCurrency(value, row.currency));
  return {
    record: row.record,
    occurredAt: row.occurred_at,
    sequence: String(row.sequence),
    playerId: row.player_id,
    cpf: row.cpf,
    kind: row.kind,
    amount: money(row.amount),
    balanceAfter: money(row.balance_after),
    currency: row.currency,
    reference: row.reference,
    gameId: row.game_id,
    roundId: row.game_round_id,
    status: row.status,
    sigapStatus: row.sigap_status,
  };
}
