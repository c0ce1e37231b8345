import { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError } from './errors';

type Handler = (req: Request, res: Response) => Promise<void>;

/** An async route handler whose rejection reaches the router's error middleware. */
export const handle =
  (fn: Handler): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) =>
    fn(req, res).catch(next);

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

/** An optional ISO 8601 date or date-time query parameter ("2026-03-01" is midnight UTC). */
export function dateParam(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new ApiError(400, 'VALIDATION_ERROR', `${field} must be an ISO 8601 date`, field);
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
