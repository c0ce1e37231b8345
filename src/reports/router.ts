import { Readable } from 'node:stream';
import { Router } from 'express';
import { Knex } from 'knex';
import { ApiError, dateRange, handle, oneOf, respondWithProgress } from '../http';
import { checkLedger, inSnapshot } from '../ledger';
import { PAYOUT_STATUSES } from '../payouts';
import { payoutsReport } from './payouts';
import { roundsReport } from './rounds';
import { auditReport } from './audit';
import { AGGREGATORS, allow } from '../operator';
import { GROUPINGS, summary, summaryColumns } from './summary';
import { formatParam, ReportSettings, respondWithTable, writeCsv } from './table';
import { dayBounds, referenceDay, sigapDay, sigapRecord } from './sigap';

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An ISO 8601 duration of days, hours, minutes and seconds ("PT2H", "P1DT30M") in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  // further back than the ledger can reach is a mistake, not a range (and past Date's range a 500)
  return Number.isFinite(ms) && ms <= MAX_DURATION_MS ? ms : undefined;
}

const MAX_DURATION_MS = 100 * 366 * 24 * 3_600_000;

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200) {
    throw new ApiError(400, 'VALIDATION_ERROR', `${field} must be one text value of at most 200 characters`, field);
  }
  return value;
}

/**
 * Finance's read-only reports, mounted inside the operator router (token, error format). The heavy reports and CSV
 * exports read `reports` (a standby, with REPORTS_DATABASE_URL); the ledger check reads the primary, `db`.
 */
export function reportRoutes(db: Knex, settings: ReportSettings, reports: Knex = db): Router {
  const router = Router();

  // the same day twice is the same bytes: rows come in (time, record, id) order, each cell from the row alone
  router.get('/reports/sigap', allow('pii.read'), handle(async (req, res) => {
    const day = referenceDay(req.query.date);
    await inSnapshot(reports, settings.timeoutMs, async (trx) => {
      const { count, rows } = await sigapDay(trx, await dayBounds(trx, day, settings.sigap.timeZone));
      await writeCsv(res, `sigap-${day}`, settings.sigap.columns, count, rows, sigapRecord, { exact: true });
    });
  }));

  router.get('/reports/rounds', allow('read'), handle(async (req, res) => {
    await respondWithTable(req, res, reports, settings, roundsReport, {
      ...dateRange(req.query),
      playerId: text(req.query.playerId, 'playerId'),
      gameId: text(req.query.gameId, 'gameId'),
      status: oneOf(req.query.status, 'status', ['open', 'closed'] as const),
      aggregator: oneOf(req.query.aggregator, 'aggregator', AGGREGATORS),
    });
  }));

  router.get('/reports/open-rounds', allow('read'), handle(async (req, res) => {
    const olderThan = parseDuration(String(req.query.olderThan ?? 'PT2H'));
    if (olderThan === undefined) {
      throw new ApiError(400, 'VALIDATION_ERROR', 'olderThan must be an ISO 8601 duration such as PT2H or P1D, of at most 100 years', 'olderThan');
    }
    await respondWithTable(req, res, reports, settings, { ...roundsReport, name: 'open-rounds' }, {
      to: new Date(Date.now() - olderThan),
      status: 'open',
      aggregator: oneOf(req.query.aggregator, 'aggregator', AGGREGATORS),
    });
  }));

  router.get('/audit', allow('audit.read'), handle(async (req, res) => {
    await respondWithTable(req, res, reports, settings, auditReport, {
      ...dateRange(req.query),
      actor: text(req.query.actor, 'actor'),
      action: text(req.query.action, 'action'),
      playerId: text(req.query.playerId, 'playerId'),
    });
  }));

  router.get('/reports/payouts', allow('read'), handle(async (req, res) => {
    const review = oneOf(req.query.manualReview, 'manualReview', ['true', 'false'] as const);
    await respondWithTable(req, res, reports, settings, payoutsReport, {
      ...dateRange(req.query),
      provider: text(req.query.provider, 'provider'),
      status: oneOf(req.query.status, 'status', PAYOUT_STATUSES),
      manualReview: review === undefined ? undefined : review === 'true',
    });
  }));

  router.get('/reports/summary', allow('read'), handle(async (req, res) => {
    const filter = { ...dateRange(req.query), groupBy: oneOf(req.query.groupBy, 'groupBy', GROUPINGS) ?? 'day' };
    const rows = await inSnapshot(reports, settings.timeoutMs, (trx) => summary(trx, filter));
    if (formatParam(req) === 'csv') {
      await writeCsv(res, `summary-by-${filter.groupBy}`, summaryColumns(filter.groupBy), rows.length, Readable.from(rows));
      return;
    }
    res.json({ from: filter.from ?? null, to: filter.to ?? null, groupBy: filter.groupBy, rows });
  }));

  router.get('/reports/ledger-check', allow('read'), handle(async (req, res) => {
    await respondWithProgress(req, res, (onProgress) => checkLedger(db, { timeoutMs: settings.timeoutMs, onProgress }));
  }));

  return router;
}
