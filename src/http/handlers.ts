import { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError } from './errors';

type Handler = (req: Request, res: Response) => Promise<void>;

/** An async route handler whose rejection reaches the router's error middleware. */
export const handle =
  (fn: Handler): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) =>
    fn(req, res).catch(next);

/**
 * Whether an id from a path or a provider could be one of our uuid keys: anything else is simply not found,
 * rather than an error from PostgreSQL's uuid cast.
 */
export function uuidShaped(id: string): boolean {
  return /^[0-9a-f-]{36}$/.test(id);
}

/** The exact decimal text of an amount field (see parseJsonExact), whether it came as a JSON number or a string. */
export function decimalText(res: Response, field: string, value: string | number): string {
  return typeof value === 'number' ? (res.locals.numberTexts as Map<string, string>).get(field) ?? String(value) : value;
}

export function positiveInteger(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new ApiError(400, 'VALIDATION_ERROR', `${field} must be a whole number from 1 to ${max}`, field);
  }
  return Number(value);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$/;

/**
 * An optional ISO 8601 date or date-time query parameter, read strictly: a real calendar day and clock time, nothing
 * after it. "2026-03-01" is midnight UTC, and a date-time without an offset is read as UTC too, never in the
 * server's own time zone.
 */
export function dateParam(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const refuse = () => new ApiError(400, 'VALIDATION_ERROR',
    `${field} must be an ISO 8601 date (2026-03-01) or date-time (2026-03-01T12:00:00Z; UTC when it has no offset)`, field);
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!m) throw refuse();
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = m;
  const midnight = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const realDay = midnight.getUTCFullYear() === Number(year) && midnight.getUTCMonth() === Number(month) - 1 && midnight.getUTCDate() === Number(day);
  if (!realDay || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw refuse();
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${offset}`);
  if (Number.isNaN(date.getTime())) throw refuse();
  return date;
}

/** The `from` and `to` query parameters, from before to; both must be there when `required`. */
export function dateRange(query: Request['query'], required: true): { from: Date; to: Date };
export function dateRange(query: Request['query'], required?: false): { from?: Date; to?: Date };
export function dateRange(query: Request['query'], required = false): { from?: Date; to?: Date } {
  const from = dateParam(query.from, 'from');
  const to = dateParam(query.to, 'to');
  if (required && (!from || !to)) throw new ApiError(400, 'VALIDATION_ERROR', 'from and to are required', from ? 'to' : 'from');
  if (from && to && from >= to) throw new ApiError(400, 'VALIDATION_ERROR', 'from must be before to', 'from');
  return { from, to };
}

/** An optional query parameter that must be one of `allowed`. */
export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ApiError(400, 'VALIDATION_ERROR', `${field} must be one of ${allowed.join(', ')}`, field);
  }
  return value as T;
}
