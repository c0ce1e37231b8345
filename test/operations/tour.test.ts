import fs from 'node:fs';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { buildProgram } from '../../scripts/wallet';
import { createLogger } from '../../src/log';
import { payoutJobs } from '../../src/payouts';
import { depositJobs } from '../../src/deposits';
import { startWorker, Worker } from '../../src/jobs';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';

// The README's tour, played against a started server with the sandbox payout provider: every operator call it
// makes answers 2xx, the CLI line answers, the payout it requests ends succeeded and its deposit credited. (`npm run simulate` builds and
// plays an aggregator of its own; it is left to its own script and the static check of readme-tour.test.ts.)
const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const start = readme.indexOf('```sh', readme.indexOf('## A five-minute tour')) + 5;
const lines = readme.slice(start, readme.indexOf('```', start)).split('\n')
  .map((l) => l.replace(/\s+#.*$/, '').replace(/\$\(date [^)]*\)/g, new Date().toISOString().slice(0, 10)).trim()).filter(Boolean);

let t: TestApp;
let worker: Worker;
const saved = { ...process.env };
beforeAll(async () => {
  t = await startTestApp({ payouts: { providers: { sandbox: { baseUrl: 'sandbox:' } }, defaultProvider: undefined, minAmount: '1.00', maxAmount: '5000.00', pollTimeScale: 0.001 } });
  worker = await startWorker({ databaseUrl: t.url, jobs: [payoutJobs(t.app.locals.payoutEngine), depositJobs(t.app.locals.depositEngine)], logger: createLogger('error'), pollIntervalMs: 50 });
  process.env.WALLET_URL = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  process.env.OPERATOR_TOKEN = OPERATOR_TOKEN;
});
afterAll(async () => {
  process.env = saved;
  await worker.stop();
  await t.close();
});

/** The tour's wait, here as long as it takes: until the newest payout or deposit (as the line reads) has ended as it should. */
async function untilDone(what: 'payouts' | 'deposits', playerId: string): Promise<string> {
  const done = what === 'payouts' ? 'succeeded' : 'credited';
  return eventually(`the player's newest ${what}`, async () => (await t.operator('get', `/${what}?playerId=${playerId}`)).body[what][0]?.status,
    (status) => status === done, { within: 10_000, every: 50 }).catch(() => `not ${done}`);
}

describe("the README's five-minute tour, played", () => {
  it('answers every step; the sandbox payout it asks for is paid, and its deposit credited', async () => {
    const played: string[] = [];
    for (const line of lines) {
      const op = /^(?:sleep \d+; )?op (GET|POST) (["']?)([^"' ]+)\2(?: '(.*)')?$/.exec(line);
      if (op) {
        if (line.startsWith('sleep')) {
          const what = op[3].includes('/deposits') ? 'deposits' : 'payouts';
          expect(await untilDone(what, 'ana')).toBe(what === 'deposits' ? 'credited' : 'succeeded');
        }
        const method = op[1].toLowerCase() as 'get' | 'post';
        const res = await t.operator(method, op[3], op[4] === undefined ? undefined : JSON.parse(op[4]));
        expect({ line, status: res.status < 300 }).toEqual({ line, status: true });
        played.push(`${op[1]} ${op[3]}`);
      } else if (line.startsWith('npx wallet ')) {
        const out: string[] = [];
        const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
        try {
          await buildProgram().exitOverride().parseAsync(['node', 'wallet', ...line.split(/\s+/).slice(2)]);
        } finally {
          write.mockRestore();
        }
        expect(JSON.parse(out.join(''))).toMatchObject({ playerId: 'ana' });
        played.push(line);
      }
    }
    expect(played).toEqual(expect.arrayContaining(['POST /players', 'POST /players/ana/payouts', 'POST /players/ana/deposits', 'GET /reports/ledger-check']));
    const { body } = await t.operator('get', '/payouts?playerId=ana');
    expect(body.payouts[0]).toMatchObject({ status: 'succeeded', amount: '10.00', provider: 'sandbox' });
  });
});
