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
