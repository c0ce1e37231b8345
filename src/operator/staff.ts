import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { Role } from './permissions';
import { revokeSessionsOf } from './console-sessions';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
/** scrypt's cost: N = 2^15, r = 8 (32 MiB and about 50 ms a hash here), the OWASP minimum; raise N as machines allow. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash`, base64: the parameters travel with the hash, so they can rise without a migration. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const given = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(given, expected);
}

/** A hash every unknown email is checked against too, so that a wrong email costs as long as a wrong password. */
const DECOY = hashPassword(randomBytes(16).toString('hex'));

export interface StaffRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  status: 'active' | 'disabled';
  password_hash: string;
  created_at: Date;
  disabled_at: Date | null;
}

export function staffView(row: StaffRow) {
  return {
    staffId: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

export interface NewStaff {
  email: string;
  displayName: string;
  role: Role;
  password: string;
}

/** Creates an account; `by` (who knows the password it starts with) is kept as one of its credentials' sources. */
export async function createStaff(db: Knex, input: NewStaff, by: Actor, traceId: string) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (trx) => {
    const rows: StaffRow[] = await trx.raw(`
      INSERT INTO staff (id, email, display_name, role, password_hash, credentials_from) VALUES (?, ?, ?, ?, ?, ARRAY[?])
      ON CONFLICT (lower(email)) DO NOTHING RETURNING *`, [randomUUID(), input.email, input.displayName, input.role, passwordHash, by.id]).then((r: { rows: StaffRow[] }) => r.rows);
    if (rows.length === 0) throw new ApiError(409, 'STAFF_EXISTS', `a staff account with the email ${input.email} exists`);
    await recordAudit(trx, { action: 'staff.create', playerId: null, details: { staffId: rows[0].id, email: input.email, role: input.role }, traceId });
    return staffView(rows[0]);
  });
}

export async function listStaff(db: Knex) {
  const rows: StaffRow[] = await db('staff').orderBy('created_at');
  return { staff: rows.map(staffView) };
}

export interface StaffUpdate {
  displayName?: string;
  role?: Role;
  status?: 'active' | 'disabled';
  password?: string;
}

/**
 * Changes a role, disables or enables an account, or sets a new password. A new password or a disable revokes every
 * session and personal token of the account at once; enabling it again brings none of them back.
 */
export async function updateStaff(db: Knex, staffId: string, update: StaffUpdate, by: Actor, traceId: string) {
  const passwordHash = update.password === undefined ? undefined : await hashPassword(update.password);
  return db.transaction(async (trx) => {
    const found = uuidShaped(staffId) ? await trx('staff').where({ id: staffId }).forUpdate().first<StaffRow | undefined>() : undefined;
    if (!found) throw new ApiError(404, 'STAFF_NOT_FOUND', `staff account ${staffId} does not exist`);
    const [row]: StaffRow[] = await trx('staff').where({ id: staffId }).update({
      ...(update.displayName !== undefined ? { display_name: update.displayName } : {}),
      ...(update.role !== undefined ? { role: update.role } : {}),
      ...(update.status !== undefined ? { status: update.status, disabled_at: update.status === 'disabled' ? (found.disabled_at ?? new Date()) : null } : {}),
      // whoever sets a password knows it: they join the account's credentials' sources
      ...(passwordHash !== undefined ? { password_hash: passwordHash, credentials_from: trx.raw('array_append(credentials_from, ?)', [by.id]) } : {}),
    }).returning('*');
    const revoked = passwordHash !== undefined || update.status === 'disabled' ? await revokeEverythingOf(trx, staffId) : undefined;
    const { password: _never, ...logged } = update;
    await recordAudit(trx, { action: 'staff.update', playerId: null, details: { staffId, ...logged, ...(passwordHash ? { password: 'changed' } : {}), ...(revoked ? { revoked } : {}) }, traceId });
    return staffView(row);
  });
}

/** Revokes every console session and personal token of an account, in the caller's transaction. */
async function revokeEverythingOf(trx: Knex.Transaction, staffId: string) {
  const sessions = await revokeSessionsOf(trx, staffId);
  const tokens = await trx('staff_tokens').where({ staff_id: staffId }).whereNull('revoked_at').update({ revoked_at: trx.fn.now() });
  return { sessions, tokens };
}

/** The account behind an email and password, or undefined; always as slow as a real check. */
export async function signIn(db: Knex, email: string, password: string): Promise<StaffRow | undefined> {
  const row = await db('staff').whereRaw('lower(email) = lower(?)', [email]).first<StaffRow | undefined>();
  const matches = await passwordMatches(password, row?.password_hash ?? (await DECOY));
  return row && matches && row.status === 'active' ? row : undefined;
}

export function actorOf(row: StaffRow): Actor {
  return { id: row.id, role: row.role, email: row.email };
}

/** An active account by id, for a console session that names it. */
export async function activeStaff(db: Knex, staffId: string): Promise<StaffRow | undefined> {
  if (!uuidShaped(staffId)) return undefined;
  return db('staff').where({ id: staffId, status: 'active' }).first<StaffRow | undefined>();
}

// ---- personal API tokens -------------------------------------------------------------------------------------

const TOKEN_PREFIX = 'wst_';
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Whether a bearer credential looks like a personal token (the bootstrap OPERATOR_TOKEN never does). */
export const isPersonalToken = (bearer: string) => bearer.startsWith(TOKEN_PREFIX);

/** A new token for its owner, shown once: only its SHA-256 is stored (it is 32 random bytes, so no slow hash is needed). */
export async function createToken(db: Knex, owner: Actor, name: string, expiresAt: Date | undefined, traceId: string) {
  if (owner.id === 'bootstrap') throw new ApiError(403, 'FORBIDDEN', 'the bootstrap OPERATOR_TOKEN owns no tokens: sign in with a staff account');
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  return db.transaction(async (trx) => {
    await trx('staff_tokens').insert({ id, staff_id: owner.id, name, token_hash: tokenHash(token), expires_at: expiresAt ?? null });
    await recordAudit(trx, { action: 'staff_token.create', playerId: null, details: { tokenId: id, name, expiresAt: expiresAt?.toISOString() ?? null }, traceId });
    return { tokenId: id, name, token, expiresAt: expiresAt?.toISOString() ?? null };
  });
}

interface TokenRow {
  id: string;
  name: string;
  expires_at: Date | null;
  created_at: Date;
  revoked_at: Date | null;
}

const tokenView = (row: TokenRow) => ({
  tokenId: row.id,
  name: row.name,
  expiresAt: row.expires_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

export async function listTokens(db: Knex, owner: Actor) {
  const rows: TokenRow[] = await db('staff_tokens').where({ staff_id: owner.id }).orderBy('created_at');
  return { tokens: rows.map(tokenView) };
}

export async function revokeToken(db: Knex, owner: Actor, tokenId: string, traceId: string) {
  return db.transaction(async (trx) => {
    const row = uuidShaped(tokenId) ? await trx('staff_tokens').where({ id: tokenId, staff_id: owner.id }).first<TokenRow | undefined>() : undefined;
    if (!row) throw new ApiError(404, 'TOKEN_NOT_FOUND', `you have no token ${tokenId}`);
    const [revoked]: TokenRow[] = await trx('staff_tokens').where({ id: tokenId }).update({ revoked_at: row.revoked_at ?? new Date() }).returning('*');
    if (!row.revoked_at) await recordAudit(trx, { action: 'staff_token.revoke', playerId: null, details: { tokenId }, traceId });
    return tokenView(revoked);
  });
}

/** The active account a live, unrevoked personal token belongs to. */
export async function tokenOwner(db: Knex, token: string): Promise<StaffRow | undefined> {
  return db('staff_tokens as t').join('staff as s', 's.id', 't.staff_id')
    .where({ 't.token_hash': tokenHash(token), 's.status': 'active' }).whereNull('t.revoked_at')
    .andWhere((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
    .first<StaffRow | undefined>('s.*');
}
