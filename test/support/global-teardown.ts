import fs from 'node:fs';
import { EmbeddedDatabase } from '../../src/db';
import { testServer, withAdmin } from './database';

export default async function globalTeardown(): Promise<void> {
  const { adminUrl, template } = testServer();
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
  const started = (globalThis as Record<string, unknown>).__walletEmbedded as
    | { embedded: EmbeddedDatabase; dataDir: string }
    | undefined;
  if (started) {
    await started.embedded.stop();
    fs.rmSync(started.dataDir, { recursive: true, force: true });
  }
}
