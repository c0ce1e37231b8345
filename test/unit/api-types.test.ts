import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/api-types';

describe('scripts/generated/api.ts, the typed client of the API document', () => {
  it('is what swagger-typescript-api makes of the current document (else: npm run api:types)', () => {
    const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-types-test-')), 'api.ts');
    generateApiTypes(fresh);
    const stale = fs.readFileSync(API_TYPES_FILE, 'utf8') !== fs.readFileSync(fresh, 'utf8');
    fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
    expect({ stale, fix: 'npm run api:types' }).toEqual({ stale: false, fix: 'npm run api:types' });
  });
});
