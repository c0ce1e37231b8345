import { createHash, randomBytes } from 'node:crypto';
import { Knex } from 'knex';

/** A session's absolute lifetime (OWASP: hours, at most 12 here) and its idle timeout. */
export const SESSION_HOURS = 8;
export const IDLE_MINUTES = 30;
/** last_seen_at is written at most this often, so that a busy console does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');
/** Identifies the bootstrap token a session was opened with, without keeping the token. */
export const fingerprintOf = (token: string) => createHash('sha256').update(`wallet-console:${token}`).digest('hex');

export type SessionOwner = { staffId: string } | { bootstrapFingerprint: string };

/** Opens a session for its owner; the secret goes into the cookie, and only its hash is kept. */
export async function openConsoleSession(db: Knex, owner: SessionOwner): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await db('console_sessions').insert({
    secret_hash: hashOf(secret),
    staff_id: 'staffId' in owner ? owner.staffId : null,
    bootstrap_fingerprint: 'bootstrapFingerprint' in owner ? owner.bootstrapFingerprint : null,
    expires_at: new Date(Date.now() + SESSION_HOURS * 3600_000),
  });
  return secret;
}

/** The owner of a live session (not revoked, not expired, not idle too long), whose use is noted. */
export async function liveConsoleSession(db: Knex, secret: string): Promise<SessionOwner | undefined> {
  if (!/^[\w-]{43}$/.test(secret)) return undefined;
  const secretHash = hashOf(secret);
  const row = await db('console_sessions').where({ secret_hash: secretHash }).whereNull('revoked_at')
    .where('expires_at', '>', db.fn.now()).whereRaw(`last_seen_at > now() - interval '${IDLE_MINUTES} minutes'`)
    .first<{ staff_id: string | null; bootstrap_fingerprint: string | null; last_seen_at: Date } | undefined>();
  if (!row) return undefined;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await db('console_sessions').where({ secret_hash: secretHash }).update({ last_seen_at: db.fn.now() });
  }
  return row.staff_id ? { staffId: row.staff_id } : { bootstrapFingerprint: row.bootstrap_fingerprint! };
}

export async function revokeConsoleSession(db: Knex, secret: string): Promise<void> {
  await db('console_sessions').where({ secret_hash: hashOf(secret) }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}

/** Ends every session of a person (a password change, a disable), in the caller's transaction. */
export async function revokeSessionsOf(trx: Knex.Transaction, staffId: string): Promise<number> {
  return trx('console_sessions').where({ staff_id: staffId }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
}
