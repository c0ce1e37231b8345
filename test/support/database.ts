import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runtimeUrlOf } from '../../src/db';

/** Set by global-setup: a server URL whose user may create databases, and the migrated template's name. */
export function testServer(): { adminUrl: string; template: string } {
  const adminUrl = process.env.WALLET_TEST_ADMIN_URL;
  const template = process.env.WALLET_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('run the tests through jest (global-setup prepares the database)');
  return { adminUrl, template };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database cloned from the migrated template: every test file starts from an empty, current schema. `url`
 * logs in as the runtime role the server serves as; `ownerUrl` as the tables' owner (migrations, tools, surgery).
 */
export async function createTestDatabase(): Promise<{ url: string; ownerUrl: string; drop: () => Promise<void> }> {
  const { adminUrl, template } = testServer();
  const name = `wallet_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const ownerUrl = databaseUrl(adminUrl, name);
  return {
    url: runtimeUrlOf(ownerUrl),
    ownerUrl,
    drop: () => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
