import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { untilOutcomeKnown } from '../db';
import { LedgerError } from './service';

export interface StoredResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The fingerprint of a request's identifying fields, in order: the same request again has the same hash. */
export function requestHash(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Runs work once per (scope, key) in one database transaction and stores its answer with the key.
 * A repeat with the same request hash gets the stored answer; a different hash is an idempotency conflict.
 * Two concurrent requests with one key queue on the key's unique index, so the work runs once.
 * Work that throws rolls everything back, key included, so a failed request can be retried. If the connection
 * breaks (at COMMIT, say), the request runs again by its key: the stored answer if it had committed, the work if not.
 */
export async function runIdempotent<T>(
  db: Knex,
  scope: string,
  key: string,
  requestHash: string,
  work: (trx: Knex.Transaction) => Promise<{ status: number; body: T }>,
): Promise<StoredResponse<T>> {
  return untilOutcomeKnown(() => db.transaction(async (trx) => {
    const claimed = await trx.raw(
      `INSERT INTO idempotency_records (scope, key, request_hash) VALUES (?, ?, ?)
       ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
      [scope, key, requestHash],
    );
    if (claimed.rowCount === 0) {
      const prior = await trx('idempotency_records').where({ scope, key }).first();
      if (prior.request_hash !== requestHash) {
        throw new LedgerError('idempotency_conflict', `${key} was already used with a different request`);
      }
      return { status: prior.response_status, body: JSON.parse(prior.response_body) as T, replayed: true };
    }
    const result = await work(trx);
    await trx('idempotency_records')
      .where({ scope, key })
      .update({ response_status: result.status, response_body: JSON.stringify(result.body) });
    return { ...result, replayed: false };
  }));
}
