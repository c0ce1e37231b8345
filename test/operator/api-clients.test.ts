import nacl from 'tweetnacl';
import { randomBytes } from 'node:crypto';
import { sealStoredSecrets, upsertHmacClient } from '../../src/operator';
import { secretBox } from '../../src/http';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('/operator/api-clients', () => {
  it('registers an hmac client and lists it without its secret', async () => {
    const res = await t.operator('post', '/api-clients', {
      name: 'fizzy',
      scheme: 'hmac-sha256',
      publicKey: 'pub-key-fizzy',
      privateKey: 'a-very-secret-private-key',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'fizzy', scheme: 'hmac-sha256', enabled: true });
    const list = await t.operator('get', '/api-clients');
    expect(JSON.stringify(list.body)).not.toContain('a-very-secret-private-key');
    expect(list.body.apiClients).toHaveLength(1);
  });

  it('registers an ed25519 client from its public key alone', async () => {
    const keys = nacl.sign.keyPair();
    const res = await t.operator('post', '/api-clients', {
      name: 'ours',
      scheme: 'ed25519',
      publicKey: Buffer.from(keys.publicKey).toString('base64'),
    });
    expect(res.status).toBe(201);
  });

  it('refuses an hmac client without a private key, an ed25519 key of the wrong size, and a duplicate key', async () => {
    expect((await t.operator('post', '/api-clients', { name: 'x', scheme: 'hmac-sha256', publicKey: 'pub-key-x1' })).status).toBe(400);
    expect((await t.operator('post', '/api-clients', { name: 'x', scheme: 'ed25519', publicKey: 'c2hvcnQta2V5' })).status).toBe(400);
    const dup = await t.operator('post', '/api-clients', {
      name: 'again',
      scheme: 'hmac-sha256',
      publicKey: 'pub-key-fizzy',
      privateKey: 'another-secret-private-key',
    });
    expect(dup.status).toBe(409);
  });

  it('DELETE disables a client and keeps it listed', async () => {
    const created = await t.operator('post', '/api-clients', {
      name: 'old',
      scheme: 'hmac-sha256',
      publicKey: 'pub-key-old',
      privateKey: 'old-secret-private-key',
    });
    const res = await t.operator('delete', `/api-clients/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: false, disabledAt: expect.any(String) });
    expect((await t.operator('delete', '/api-clients/99999')).status).toBe(404);
  });
});

describe('FB_PUBLIC_KEY / FB_PRIVATE_KEY at start', () => {
  it('registers the aggregator once and updates its secret (re-enabling it) on a later start, sealed at rest', async () => {
    const box = secretBox(randomBytes(32));
    await upsertHmacClient(t.db, 'fizzy-bubbly', 'fb-env-key', 'first-secret-first-secret', box);
    await t.db('api_clients').where({ public_key: 'fb-env-key' }).update({ enabled: false });
    await upsertHmacClient(t.db, 'fizzy-bubbly', 'fb-env-key', 'second-secret-second-secret', box);
    const rows = await t.db('api_clients').where({ public_key: 'fb-env-key' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ scheme: 'hmac-sha256', private_key: expect.stringMatching(/^v1:/), enabled: true });
    expect(box.open(rows[0].private_key)).toBe('second-secret-second-secret');
  });
});

describe('HMAC secrets at rest', () => {
  it('are stored sealed with SECRETS_KEY (AES-256-GCM), never in plain text, and a key kept in plain text before is sealed at start', async () => {
    const res = await t.operator('post', '/api-clients', { name: 'sealed', scheme: 'hmac-sha256', publicKey: 'sealed-key', privateKey: 'a-secret-of-at-least-16-characters' }).expect(201);
    const row = await t.db('api_clients').where({ id: res.body.id }).first();
    expect(row.private_key).toMatch(/^v1:/);
    expect(row.private_key).not.toContain('a-secret-of-at-least-16-characters');
    const box = secretBox(randomBytes(32));
    await t.owner('api_clients').insert({ name: 'legacy', scheme: 'hmac-sha256', aggregator: 'fizzy-bubbly', public_key: 'legacy-key', private_key: 'legacy-secret-in-plain-text' });
    expect(await sealStoredSecrets(t.db, box)).toBe(1);
    const legacy = await t.db('api_clients').where({ public_key: 'legacy-key' }).first();
    expect(box.open(legacy.private_key)).toBe('legacy-secret-in-plain-text');
    expect(await sealStoredSecrets(t.db, box)).toBe(0);
  });
});
