import fs from 'node:fs';
import path from 'node:path';
import { buildProgram } from '../../scripts/wallet';
import { compileSchema } from '../../src/http';
import { OPERATIONS, REQUEST_SCHEMAS } from '../../src/openapi';

// The README's tour, read as the server would take it: every operator call names a documented route, and every
// body passes that route's schema; every `npx wallet` line names a command with the options it gives. (The tour
// itself was run as written from a fresh clone; this keeps a renamed field, path or option from breaking it.)
const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const start = readme.indexOf('## A five-minute tour');
const block = readme.slice(readme.indexOf('```sh', start) + 5, readme.indexOf('```', readme.indexOf('```sh', start) + 5));
// a shell date stands for any date
const lines = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').replace(/\$\(date [^)]*\)/g, '2026-01-01').trim()).filter(Boolean);

function operationFor(method: string, route: string) {
  const pathOnly = `/operator${route.split('?')[0]}`;
  return OPERATIONS.find((op) => op.method === method.toLowerCase() && new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(pathOnly));
}

describe("the README's five-minute tour", () => {
  const calls = lines.map((l) => /^(?:sleep \d+; )?op (GET|POST|PATCH|PUT|DELETE) (["']?)([^"' ]+)\2(?: '(.*)')?$/.exec(l)).filter((m) => m !== null);

  it('makes operator calls, registers nothing it does not use, and uses one BASE', () => {
    expect(calls.length).toBeGreaterThanOrEqual(7);
    expect(block).toMatch(/^BASE=http:\/\/localhost:3000$/m);
    expect(block).not.toMatch(/localhost:3000\/(?!\S*BASE)/);
  });

  it.each(calls.map((m) => [`${m[1]} ${m[3]}`, m] as const))('%s is a documented route, and its body passes the route\'s schema', (_name, m) => {
    const op = operationFor(m[1], m[3]);
    expect(op).toBeDefined();
    if (m[4] !== undefined) {
      expect(op!.body).toBeDefined();
      expect(() => compileSchema(REQUEST_SCHEMAS[op!.body!], 'VALIDATION_ERROR')(JSON.parse(m[4]))).not.toThrow();
    }
  });

  it('names npx wallet commands and options that exist', () => {
    const wallet = lines.filter((l) => l.startsWith('npx wallet '));
    expect(wallet.length).toBeGreaterThan(0);
    for (const line of wallet) {
      let command = buildProgram();
      const words = line.split(/\s+/).slice(2);
      for (let sub = command.commands.find((c) => c.name() === words[0]); sub; sub = command.commands.find((c) => c.name() === words[0])) {
        command = sub;
        words.shift();
      }
      expect({ line, subcommands: command.commands.map((c) => c.name()) }).toEqual({ line, subcommands: [] }); // it reached a command, not a group
      for (const option of words.filter((w) => w.startsWith('--'))) expect(command.options.map((o) => o.long)).toContain(option);
    }
  });
});
