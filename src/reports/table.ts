import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Request, Response } from 'express';
import { Knex } from 'knex';
import { stringify } from 'csv-stringify';
import { ApiError, oneOf, positiveInteger } from '../http';
import { inSnapshot } from '../ledger';

export type Cell = string | number | boolean | null;
export type ReportRecord = Record<string, Cell>;

/**
 * A report that is one ordered query: JSON pages through a keyset cursor, CSV streams every row of the filter
 * from a database cursor, so an export of millions of rows runs in constant memory.
 */
export interface TableReport<F, Row> {
  /** The CSV file name, without extension. */
  name: string;
  columns: readonly string[];
  /** What each value of a cursor (the sort key of a page's last row) must look like. */
  cursorShape: readonly RegExp[];
  /** Every row of the filter, in a stable order (no limit). */
  query(db: Knex, filter: F): Knex.QueryBuilder;
  /** Restricts `query` to the rows after a page's last row. */
  after(query: Knex.QueryBuilder, cursor: Cell[]): void;
  cursorOf(row: Row): Cell[];
  record(row: Row): ReportRecord;
}

export interface ReportSettings {
  /** How long one report query may run (the API's short statement timeout does not apply to reports). */
  timeoutMs: number;
  /** The SIGAP day file: the day's time zone and the columns, in order (SIGAP_COLUMNS). */
  sigap: { timeZone: string; columns: readonly string[] };
}

export function formatParam(req: Request): 'json' | 'csv' {
  return oneOf(req.query.format, 'format', ['json', 'csv'] as const) ?? 'json';
}

/**
 * A timestamp column as ISO 8601 text in UTC, made by the database: parsing millions of dates in Node only to
 * print them again costs more than the query. `micro` keeps the microseconds a cursor needs.
 */
export function isoTime(db: Knex, column: string, alias: string, micro = false): Knex.Raw {
  return db.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${micro ? 'US' : 'MS'}"Z"') AS ${alias}`);
}

export const SHAPE = {
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  integer: /^\d{1,18}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  text: /^[^\u0000]{0,1000}$/,
};

function decodeCursor(value: unknown, shape: readonly RegExp[]): Cell[] | undefined {
  if (value === undefined) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === shape.length && parts.every((p, i) => shape[i].test(String(p)))) {
      return parts.map(String);
    }
  } catch {
    // refused below
  }
  throw new ApiError(400, 'VALIDATION_ERROR', 'cursor is not a cursor this report gave', 'cursor');
}

/** A decimal number as the reports write amounts ("-5.00"): data, never a formula, however it starts. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV Injection": one that starts with =, +, -, @, a tab or a
 * carriage return) gets a leading apostrophe, so that it shows as the text it is; a plain number stays as it is.
 */
export function formulaSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/**
 * Writes records as CSV (RFC 4180: header line, CRLF) with backpressure from the client back to the database.
 * Amounts stay the exact decimal strings. A failure after the first byte can only cut the download short.
 * `X-Row-Count` tells the client in advance how many records follow, so it can show how far the download is.
 * Cells are made formula-safe (formulaSafe) unless `exact` is set: the SIGAP day file goes to the regulator's
 * system, not to a spreadsheet, in the format it is given (docs/protection.md).
 */
export async function writeCsv(
  res: Response,
  name: string,
  columns: readonly string[],
  rowCount: number,
  rows: NodeJS.ReadableStream,
  toRecord?: (row: any) => ReportRecord,
  options: { exact?: boolean } = {},
) {
  res.status(200);
  res.setHeader('X-Row-Count', String(rowCount));
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  const csv = stringify({ header: true, columns: [...columns], record_delimiter: 'windows',
    cast: { boolean: String, ...(options.exact ? {} : { string: formulaSafe }) } });
  if (!toRecord) return pipeline(rows, csv, res);
  const records = new Transform({
    objectMode: true,
    transform(row, _encoding, done) {
      done(null, toRecord(row));
    },
  });
  return pipeline(rows, records, csv, res);
}

/** Answers a table report: a JSON page (`limit`, `cursor`) or, with `format=csv`, the whole filter streamed. */
export async function respondWithTable<F, Row>(
  req: Request,
  res: Response,
  db: Knex,
  settings: ReportSettings,
  report: TableReport<F, Row>,
  filter: F,
): Promise<void> {
  if (formatParam(req) === 'csv') {
    const cursor = decodeCursor(req.query.cursor, report.cursorShape);
    const limit = req.query.limit === undefined ? undefined : positiveInteger(req.query.limit, 'limit', 1, Number.MAX_SAFE_INTEGER);
    await inSnapshot(db, settings.timeoutMs, async (trx) => {
      const query = report.query(trx, filter);
      if (cursor) report.after(query, cursor);
      if (limit) query.limit(limit);
      // counted in the export's own snapshot, so the count is exactly the rows that follow
      const [{ rows }] = await trx.count<{ rows: string }[]>('* as rows').from(query.clone().as('export'));
      await writeCsv(res, report.name, report.columns, Number(rows), query.stream({ batchSize: 2000 }), (row: Row) => report.record(row));
    });
    return;
  }
  const limit = positiveInteger(req.query.limit, 'limit', 100, 1000);
  const cursor = decodeCursor(req.query.cursor, report.cursorShape);
  const rows: Row[] = await inSnapshot(db, settings.timeoutMs, async (trx) => {
    const query = report.query(trx, filter);
    if (cursor) report.after(query, cursor);
    return query.limit(limit);
  });
  res.json({
    rows: rows.map((row) => report.record(row)),
    nextCursor: rows.length === limit ? Buffer.from(JSON.stringify(report.cursorOf(rows[rows.length - 1]))).toString('base64url') : null,
  });
}
