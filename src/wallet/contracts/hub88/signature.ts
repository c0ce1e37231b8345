import { KeyObject, verify } from 'node:crypto';
import { Knex } from 'knex';
import { HUB88_SCHEME, readPublicKey } from '../../../operator';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether `signature` (base64 RSASSA-PKCS1-v1_5 with SHA-256) signs exactly these body bytes under `key`. */
export function signs(key: KeyObject, raw: Buffer, signature: string): boolean {
  if (!BASE64.test(signature) || signature.length % 4 !== 0) return false;
  return verify('sha256', raw, key, Buffer.from(signature, 'base64'));
}

interface Hub88Client {
  id: number;
  key: KeyObject;
}

const CACHE_MS = 5_000;
const RELOAD_MIN_MS = 1_000;

/**
 * The active Hub88 clients' public keys, read at most every few seconds, so that a new (rotated) key is honoured
 * within seconds on every instance. A disabled client's key may verify for those seconds; its calls are still
 * refused, because every money routine checks that the client is enabled.
 */
export class Hub88Keys {
  private clients: Hub88Client[] = [];
  private until = 0;
  private loadedAt = 0;

  constructor(private readonly db: Knex) {}

  /**
   * The client whose key signed these bytes, if any does. When none of the cached keys does, the keys are read
   * again first (at most once a second), so a key registered a moment ago is honoured at once.
   */
  async signer(raw: Buffer, signature: string): Promise<number | undefined> {
    if (Date.now() >= this.until) await this.reload();
    const found = this.clients.find((client) => signs(client.key, raw, signature));
    if (found || Date.now() - this.loadedAt < RELOAD_MIN_MS) return found?.id;
    await this.reload();
    return this.clients.find((client) => signs(client.key, raw, signature))?.id;
  }

  /** Drops the cached keys, so the next call reads them again (a client registered or disabled here). */
  forget(): void {
    this.until = 0;
    this.loadedAt = 0;
  }

  private async reload(): Promise<void> {
    this.loadedAt = Date.now();
    const rows: { id: number; public_key: string }[] = await this.db('api_clients').where({ scheme: HUB88_SCHEME, enabled: true }).orderBy('id');
    this.clients = rows.flatMap((row) => {
      const read = readPublicKey(row.public_key);
      return 'key' in read ? [{ id: row.id, key: read.key }] : [];
    });
    this.until = Date.now() + CACHE_MS;
  }
}
