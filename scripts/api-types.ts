/**
 * Writes scripts/generated/api.ts: the TypeScript types of every request and answer
 * in the API document, made by swagger-typescript-api from /openapi.json. The CLI and the simulator type what they
 * read with them, so renaming a field in the document breaks their build; a test fails while this file is stale.
 *
 *   npm run api:types
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../src/openapi';

/** Run from the project's folder, as npm runs scripts and jest runs tests. */
export const API_TYPES_FILE = path.resolve('scripts', 'generated', 'api.ts');

/** Generates the types of the current document into `file`. */
export function generateApiTypes(file: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-types-'));
  try {
    const documentFile = path.join(dir, 'openapi.json');
    fs.writeFileSync(documentFile, JSON.stringify(openApiDocument()));
    const generator = path.join(path.dirname(require.resolve('swagger-typescript-api/package.json')), 'dist', 'cli.mjs');
    execFileSync(process.execPath, [generator, 'generate', '--path', documentFile, '--output', dir, '--name', 'api.ts',
      '--no-client', '--enum-style=union', '--sort-types', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(path.join(dir, 'api.ts'), file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  generateApiTypes(API_TYPES_FILE);
  console.log(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
}
