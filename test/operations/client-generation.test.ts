import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestApp } from '../support/app';

/**
 * A client generated from the served /openapi.json by openapi-typescript, a generator nobody here wrote, and a small
 * program type-checked against it. The generator wants TypeScript 5, the project builds with 7: it lives apart in
 * tools/openapi-typescript (its own lockfile), installed here with npm ci the first time.
 */
const TOOL = path.resolve(__dirname, '../../tools/openapi-typescript');
const run = (command: string, args: string[], cwd?: string) => spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });

function installed(): string | undefined {
  if (fs.existsSync(path.join(TOOL, 'node_modules/openapi-typescript'))) return undefined;
  const install = run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], TOOL);
  return install.status === 0 ? undefined : `npm ci in tools/openapi-typescript failed: ${install.stderr.slice(0, 300)}`;
}

/** What a casino's own site or script would write against the generated types. */
const PROGRAM = `
import type { components, paths } from './api';
type Json<P extends keyof paths, M extends 'post' | 'patch'> = NonNullable<paths[P][M]> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Answer<P extends keyof paths, M extends 'get' | 'post', S extends number> = NonNullable<paths[P][M]> extends { responses: { [K in S]: { content: { 'application/json': infer A } } } } ? A : never;

export const create: Json<'/operator/players', 'post'> = { playerId: 'ana', currency: 'BRL', firstName: 'Ana', documentNumber: '43278243803' };
export const topUp: Json<'/operator/players/{playerId}/topups', 'post'> = { amount: '100.00', transactionId: 'topup-1' };
export const limits: Json<'/operator/players/{playerId}', 'patch'> = { limits: { timeDay: 240, timeWeek: 1200, timeMonth: null, loss30d: '500.00' } };
export const payout: Json<'/operator/players/{playerId}/payouts', 'post'> = { amount: '10.00', pixKey: '43278243803', transactionId: 'payout-1' };
export const balance = (player: Answer<'/operator/players/{playerId}', 'get', 200>): string => player.balance;
export const held = (approval: components['schemas']['approval']): string => approval.heldBecause;
export const hub88Status: components['schemas']['hub88BetAnswer']['status'] = 'RS_ERROR_NOT_ENOUGH_MONEY';
// @ts-expect-error a play-time limit is a number of minutes
export const wrongLimit: Json<'/operator/players/{playerId}', 'patch'> = { limits: { timeDay: 'four hours' } };
// @ts-expect-error a status Hub88 does not have
export const wrongStatus: components['schemas']['hub88BetAnswer']['status'] = 'RS_ERROR_NOPE';
`;

let t: TestApp;
let skipped: string | undefined;
beforeAll(async () => {
  skipped = installed();
  if (skipped) process.stdout.write(`client generation skipped: ${skipped}\n`);
  t = await startTestApp();
}, 180_000);
const cleanUp: string[] = [];
afterAll(async () => {
  for (const dir of cleanUp) fs.rmSync(dir, { recursive: true, force: true });
  await t.close();
});

describe('a client generated from /openapi.json', () => {
  it('openapi-typescript generates fully typed code, and a program that creates a player, tops up, reads it, requests a payout and sets time limits type-checks', async () => {
    if (skipped) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-'));
    cleanUp.push(dir);
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify((await t.http.get('/openapi.json').expect(200)).body));
    const generated = run(process.execPath, [path.join(TOOL, 'node_modules/openapi-typescript/bin/cli.js'), 'openapi.json', '-o', 'api.ts'], dir);
    expect({ status: generated.status, stderr: generated.stderr.replace(/.*openapi-typescript.*\n|.*→.*\n/g, '') }).toEqual({ status: 0, stderr: '' });
    const types = fs.readFileSync(path.join(dir, 'api.ts'), 'utf8');
    expect(types).toContain('timeDay?: components["schemas"]["minutes"] | null;');
    fs.writeFileSync(path.join(dir, 'program.ts'), PROGRAM);
    const tsc = run(process.execPath, [path.resolve(__dirname, '../../node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'program.ts'], dir);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);
});
