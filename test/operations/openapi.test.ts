import { Express } from 'express';
import { compileSchema } from '../../src/http';
import { OPERATIONS, REQUEST_SCHEMAS } from '../../src/openapi';
import { WALLET_PATHS } from '../../src/wallet';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Layer {
  name: string;
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route the express app serves, as "METHOD /path/{param}". */
function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}'));
      } else if (layer.name === 'router' && layer.handle.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.sort();
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route the server serves, and of nothing else', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const walletDoor = WALLET_PATHS.map((path) => `POST ${path}`);
    expect(documented).toEqual([...servedRoutes(t.app), ...walletDoor].sort());
  });

  it('takes each request body from the schema ajv validates that endpoint with', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    for (const op of OPERATIONS.filter((o) => o.body)) {
      const body = doc.paths[op.path][op.method].requestBody.content['application/json'];
      expect(body.schema).toEqual({ $ref: `#/components/schemas/${op.body}` });
      expect(doc.components.schemas[op.body!].title).toBe((REQUEST_SCHEMAS[op.body!] as { title: string }).title);
    }
    expect(JSON.stringify(doc.components)).not.toContain('definitions.json');
  });

  it.each(OPERATIONS.filter((o) => o.body).map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('the example of %s validates against its schema', (_name, op) => {
    const validate = compileSchema(REQUEST_SCHEMAS[op.body!], 'VALIDATION_ERROR');
    expect(() => validate(op.example)).not.toThrow();
  });
});

describe('GET /docs', () => {
  it('serves interactive docs from the server itself, with no CDN', async () => {
    const res = await t.http.get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
    expect(res.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    await t.http.get('/docs/swagger-ui-bundle.js').expect(200);
  });
});
