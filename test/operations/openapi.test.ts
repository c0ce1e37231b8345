import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Express } from 'express';
import { compileSchema } from '../../src/http';
import { OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from '../../src/openapi';
import { answerProblem } from '../support/contract';
import { HUB88_PATHS, WALLET_PATHS } from '../../src/wallet';
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

/** What @seriousme/openapi-schema-validator, a validator nobody here wrote, says of a document, run as its own CLI. */
function thirdPartyVerdict(document: unknown): { valid: boolean; errors?: unknown } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(document));
    const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    const run = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('GET /openapi.json, as third-party tools read it', () => {
  it('passes @seriousme/openapi-schema-validator: the OpenAPI 3.1 schema, and every $ref resolves', async () => {
    const { body } = await t.http.get('/openapi.json').expect(200);
    expect(thirdPartyVerdict(body)).toEqual({ valid: true });
  });

  it("hoists a request schema's own $defs (the play-time limits' minutes), so no reference dangles", async () => {
    const { body } = await t.http.get('/openapi.json').expect(200);
    expect(body.components.schemas.minutes).toEqual({ type: 'integer', minimum: 1, maximum: 44640 });
    const { minutes: _gone, ...dangling } = body.components.schemas;
    expect(thirdPartyVerdict({ ...body, components: { ...body.components, schemas: dangling } })).toMatchObject({ valid: false, errors: expect.stringContaining('minutes') });
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route the server serves, and of nothing else', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const walletDoor = [...WALLET_PATHS, ...HUB88_PATHS].map((path) => `POST ${path}`);
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

describe('the answers in the document', () => {
  const json = (body: unknown) => Buffer.from(JSON.stringify(body));
  const answer = (method: string, path: string, status: number, body: unknown) => answerProblem({ method, path, status, contentType: 'application/json; charset=utf-8', body: json(body) });

  it('every JSON answer of every operation has a schema, errors included', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    const unschemed: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, any> }>>)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()] : response;
          const content = resolved.content ?? {};
          if (content['application/json'] && !content['application/json'].schema) unschemed.push(`${method} ${path} ${status}`);
          if (!content['application/json'] && Object.keys(content).length === 0 && !/^3/.test(status)) unschemed.push(`${method} ${path} ${status} (no content)`);
        }
      }
    }
    expect(unschemed).toEqual([]);
  });

  it('names no schema twice: request, answer and shared definitions share one namespace', () => {
    const names = [...Object.keys(RESPONSE_SCHEMAS), ...Object.keys(REQUEST_SCHEMAS), ...Object.keys((require('../../schemas/definitions.json') as { $defs: object }).$defs)];
    expect(names.length).toBe(new Set(names).size);
  });

  it.each(OPERATIONS.filter((o) => o.ok.schema && o.ok.example !== undefined).map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('the answer example of %s matches its schema', (_name, op) => {
    expect(answer(op.method.toUpperCase(), op.path.replace(/\{\w+\}/g, 'x'), op.ok.status, op.ok.example)).toBeUndefined();
  });

  it('an answer with a renamed field, a missing one or an undocumented status is caught', () => {
    expect(answer('POST', '/wallet/withdraw', 200, { balance: 1, currency: 'EUR' })).toBeUndefined();
    expect(answer('POST', '/wallet/withdraw', 200, { amount: 1, currency: 'EUR' })).toMatch(/required property 'balance'.*additional properties \(amount\)/);
    expect(answer('GET', '/operator/players/ana', 200, { playerId: 'ana' })).toMatch(/required property 'currency'/);
    expect(answer('POST', '/wallet/withdraw', 400, { code: 'ERROR_BAD_REQUEST', message: 'x', traceId: 't' })).toMatch(/required property 'description'/);
    expect(answer('GET', '/operator/players/ana', 302, {})).toMatch(/answered 302, which the document does not list/);
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
