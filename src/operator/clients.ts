import { createPublicKey, KeyObject } from 'node:crypto';
import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { ApiError, SecretBox } from '../http';

export const HUB88_SCHEME = 'hub88-rsa-sha256';

export interface NewApiClient {
  name: string;
  scheme: 'hmac-sha256' | 'ed25519' | typeof HUB88_SCHEME;
  publicKey: string;
  privateKey?: string;
}

interface ApiClientRow {
  id: number;
  name: string;
  scheme: string;
  aggregator: string;
  public_key: string;
  enabled: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

function clientView(row: ApiClientRow) {
  return {
    id: row.id,
    name: row.name,
    scheme: row.scheme,
    aggregator: row.aggregator,
    publicKey: row.public_key,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

/** An RSA public key in PEM (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"), or why it is not one worth trusting. */
export function readPublicKey(pem: string): { key: KeyObject } | { problem: string } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return { problem: 'is not a PEM public key' };
  }
  if (key.asymmetricKeyType !== 'rsa') return { problem: `is a ${key.asymmetricKeyType} key, not RSA` };
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return { problem: 'is shorter than 2048 bits' };
  return { key };
}

function assertKeyMaterial(input: NewApiClient): void {
  if (input.scheme === HUB88_SCHEME) {
    if (input.privateKey) throw new ApiError(400, 'VALIDATION_ERROR', "a Hub88 client holds only Hub88's public key; send no privateKey", 'privateKey');
    const read = readPublicKey(input.publicKey);
    if ('problem' in read) throw new ApiError(400, 'VALIDATION_ERROR', `publicKey ${read.problem}`, 'publicKey');
    return;
  }
  if (input.publicKey.length > 200) throw new ApiError(400, 'VALIDATION_ERROR', 'publicKey must NOT have more than 200 characters', 'publicKey');
  if (input.scheme === 'hmac-sha256' && !input.privateKey) {
    throw new ApiError(400, 'VALIDATION_ERROR', 'privateKey is required for hmac-sha256', 'privateKey');
  }
  if (input.scheme === 'ed25519') {
    if (input.privateKey) {
      throw new ApiError(400, 'VALIDATION_ERROR', 'ed25519 clients keep their private key; send only publicKey', 'privateKey');
    }
    if (Buffer.from(input.publicKey, 'base64').length !== 32) {
      throw new ApiError(400, 'VALIDATION_ERROR', 'publicKey must be a base64 32-byte ed25519 key', 'publicKey');
    }
  }
}

/**
 * Registers an aggregator's key. A further Hub88 key (a rotation) shares the first Hub88 client's scope, so its
 * transaction ids replay and refuse exactly as the old key's did (migration 009).
 */
export async function registerApiClient(db: Knex, input: NewApiClient, secrets: SecretBox, traceId: string) {
  assertKeyMaterial(input);
  const hub88 = input.scheme === HUB88_SCHEME;
  return db.transaction(async (trx) => {
    if (hub88) await trx.raw("SELECT pg_advisory_xact_lock(hashtext('api_clients:hub88-scope'))");
    const first = hub88 ? await trx('api_clients').where({ scheme: HUB88_SCHEME }).orderBy('id').first<{ id: number } | undefined>('id') : undefined;
    const rows: ApiClientRow[] = await trx('api_clients')
      .insert({ name: input.name, scheme: input.scheme, aggregator: hub88 ? 'hub88' : 'fizzy-bubbly', public_key: input.publicKey,
        private_key: input.privateKey === undefined ? null : secrets.seal(input.privateKey), scope_id: first?.id ?? null })
      .onConflict('public_key')
      .ignore()
      .returning('*');
    if (rows.length === 0) throw new ApiError(409, 'API_CLIENT_EXISTS', 'an api client with this publicKey already exists');
    await recordAudit(trx, { action: 'api_client.register', playerId: null, details: { apiClientId: rows[0].id, name: input.name, scheme: input.scheme, publicKey: input.publicKey }, traceId });
    return clientView(rows[0]);
  });
}

/** Registers, or updates the secret of, the aggregator configured through FB_PUBLIC_KEY / FB_PRIVATE_KEY. */
export async function upsertHmacClient(db: Knex, name: string, publicKey: string, privateKey: string, secrets: SecretBox): Promise<void> {
  const sealed = secrets.seal(privateKey);
  await db('api_clients')
    .insert({ name, scheme: 'hmac-sha256', public_key: publicKey, private_key: sealed })
    .onConflict('public_key')
    .merge({ private_key: sealed, scheme: 'hmac-sha256', enabled: true, disabled_at: null });
}

/** Seals every HMAC key still kept in plain text (registered before keys were sealed); the count sealed. */
export async function sealStoredSecrets(db: Knex, secrets: SecretBox): Promise<number> {
  const keys: { id: number; private_key: string }[] = await db('api_clients').whereNotNull('private_key').select('id', 'private_key');
  const plain = keys.filter((row) => !secrets.isSealed(row.private_key));
  for (const row of plain) await db('api_clients').where({ id: row.id }).update({ private_key: secrets.seal(row.private_key) });
  return plain.length;
}

export async function listApiClients(db: Knex) {
  const rows: ApiClientRow[] = await db('api_clients').orderBy('id');
  return rows.map(clientView);
}

export async function disableApiClient(db: Knex, id: number, traceId: string) {
  return db.transaction(async (trx) => {
    const rows: ApiClientRow[] = await trx('api_clients')
      .where({ id })
      .update({ enabled: false, disabled_at: trx.raw('coalesce(disabled_at, now())') })
      .returning('*');
    if (rows.length === 0) throw new ApiError(404, 'API_CLIENT_NOT_FOUND', `api client ${id} does not exist`);
    await recordAudit(trx, { action: 'api_client.disable', playerId: null, details: { apiClientId: id, name: rows[0].name }, traceId });
    return clientView(rows[0]);
  });
}

export async function setGameActive(db: Knex, gameId: string, active: boolean, traceId: string) {
  await db.transaction(async (trx) => {
    await trx('games').insert({ game_id: gameId, active, updated_at: new Date() }).onConflict('game_id').merge();
    await recordAudit(trx, { action: 'game.update', playerId: null, details: { gameId, active }, traceId });
  });
  return { gameId, active };
}
