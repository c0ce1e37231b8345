import { Knex } from 'knex';
import { ApiError } from '../http';

export interface NewApiClient {
  name: string;
  scheme: 'hmac-sha256' | 'ed25519';
  publicKey: string;
  privateKey?: string;
}

interface ApiClientRow {
  id: number;
  name: string;
  scheme: string;
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
    publicKey: row.public_key,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

function assertKeyMaterial(input: NewApiClient): void {
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

export async function registerApiClient(db: Knex, input: NewApiClient) {
  assertKeyMaterial(input);
  const rows: ApiClientRow[] = await db('api_clients')
    .insert({ name: input.name, scheme: input.scheme, public_key: input.publicKey, private_key: input.privateKey ?? null })
    .onConflict('public_key')
    .ignore()
    .returning('*');
  if (rows.length === 0) throw new ApiError(409, 'API_CLIENT_EXISTS', 'an api client with this publicKey already exists');
  return clientView(rows[0]);
}

/** Registers, or updates the secret of, the aggregator configured through FB_PUBLIC_KEY / FB_PRIVATE_KEY. */
export async function upsertHmacClient(db: Knex, name: string, publicKey: string, privateKey: string): Promise<void> {
  await db('api_clients')
    .insert({ name, scheme: 'hmac-sha256', public_key: publicKey, private_key: privateKey })
    .onConflict('public_key')
    .merge({ private_key: privateKey, scheme: 'hmac-sha256', enabled: true, disabled_at: null });
}

export async function listApiClients(db: Knex) {
  const rows: ApiClientRow[] = await db('api_clients').orderBy('id');
  return rows.map(clientView);
}

export async function disableApiClient(db: Knex, id: number) {
  const rows: ApiClientRow[] = await db('api_clients')
    .where({ id })
    .update({ enabled: false, disabled_at: db.raw('coalesce(disabled_at, now())') })
    .returning('*');
  if (rows.length === 0) throw new ApiError(404, 'API_CLIENT_NOT_FOUND', `api client ${id} does not exist`);
  return clientView(rows[0]);
}

export async function setGameActive(db: Knex, gameId: string, active: boolean) {
  await db('games').insert({ game_id: gameId, active, updated_at: new Date() }).onConflict('game_id').merge();
  return { gameId, active };
}
