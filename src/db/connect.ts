import knexFactory, { Knex } from 'knex';

export type Db = Knex;

export interface DbOptions {
  poolMax: number;
  statementTimeoutMs: number;
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
  });
}
