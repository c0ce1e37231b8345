import knexFactory, { Knex } from 'knex';

export type Db = Knex;

export interface DbOptions {
  poolMax: number;
  statementTimeoutMs: number;
  /** Where knex's own messages go (a connection lost, a pool error), as log lines; absent, knex prints them itself. */
  logger?: { warn(message: string, meta: object): unknown };
}

export function createDb(databaseUrl: string, options: DbOptions): Db {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      // A request must never outlive the aggregator's timeout: the database gives up first and rolls back.
      statement_timeout: options.statementTimeoutMs,
      lock_timeout: options.statementTimeoutMs,
      idle_in_transaction_session_timeout: options.statementTimeoutMs * 5,
      application_name: 'seamless-wallet',
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: options.poolMax },
    acquireConnectionTimeout: options.statementTimeoutMs,
    ...(options.logger ? { log: knexLog(options.logger) } : {}),
  });
}

/** knex's messages as warnings of our log: the caller that met the error answers for it; this keeps the detail. */
function knexLog(logger: { warn(message: string, meta: object): unknown }) {
  const line = (level: string) => (message: unknown) => {
    logger.warn('database client', { level, detail: message instanceof Error ? message.message : String(message) });
  };
  return { warn: line('warn'), error: line('error'), deprecate: line('deprecate'), debug: () => undefined };
}

/** The connection broke during a call, so whether it committed is not known (an SQL error rolled it back). */
export function isConnectionLoss(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return /^(08|57P0)/.test(code) || ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT'].includes(code);
  return typeof message === 'string' && /connection terminated|connection ended|not queryable|socket/i.test(message);
}

/**
 * The database did not answer in time: a statement or lock timeout (the transaction rolled back), or no connection
 * could be had from the pool (nothing was sent). On its own, nothing was changed.
 */
export function isDatabaseTimeout(error: unknown): boolean {
  const e = error as { code?: string; name?: string };
  return e?.code === '57014' || e?.code === '55P03' || e?.code === '53300' || e?.name === 'KnexTimeoutError';
}

/** The database is away: a lost connection, a connection it refused at once (FATAL: not accepting, shutting down). */
export function isDatabaseAway(error: unknown): boolean {
  return isConnectionLoss(error) || (error as { severity?: unknown })?.severity === 'FATAL';
}

/** A call whose commit could not be confirmed: the connection broke, and asking again by its key failed too. */
export class OutcomeUnknown extends Error {}

/**
 * Runs an idempotent call and, when its connection breaks, sends it again by its key on a fresh connection (at
 * once, then after 0.1 and 0.4 s). That replays its stored answer if it had committed and makes the call if it had
 * not, so either answer is true. Once the outcome is unknown (a connection broke, or `unknown` says an earlier
 * attempt's did, as a group commit's batch), a try that fails for the database's sake (a timeout, no connection
 * from the pool) leaves it unknown too: only an answer from the database ends it, and if none comes the call is
 * OutcomeUnknown, never "nothing was changed".
 */
export async function untilOutcomeKnown<T>(call: () => Promise<T>, delaysMs: readonly number[] = [0, 100, 400], unknown = false): Promise<T> {
  let inDoubt = unknown;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (isConnectionLoss(error)) inDoubt = true;
      else if (!inDoubt || !isDatabaseTimeout(error)) throw error;
      if (attempt >= delaysMs.length) throw new OutcomeUnknown(`the outcome could not be found out: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}
