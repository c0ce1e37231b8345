import http from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AddressInfo } from 'node:net';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';
import { givenAggregator, givenPlay } from '../support/wallet';

const ROWS = 200_000;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await givenAggregator(t);
  await givenPlay(t, 'busy', '0');
  // a busy month of rounds, written straight into the table (the wallet's own path is tested elsewhere)
  await t.db.raw(`
    INSERT INTO rounds (client_id, player_id, game_round_id, game_id, currency, bets, wins, withdraw_count,
                        deposit_count, opened_at, closed_at)
    SELECT c.id, p.id, 'round-' || n, 'slot-' || (n % 40), 'EUR', 100 + n % 900, n % 1500, 1, 1,
           timestamptz '2026-04-01' + n * interval '13 seconds', timestamptz '2026-04-01' + n * interval '13 seconds'
    FROM generate_series(1, ${ROWS}) n, api_clients c, players p WHERE p.external_id = 'busy'`);
});

afterAll(async () => {
  await t.owner('rounds').del();
  await t.close();
});

v8.setFlagsFromString('--expose-gc');
const gc: () => void = runInNewContext('gc');

/** The heap in use after a full collection: what is really held, not garbage waiting to be collected. */
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Downloads a CSV without keeping it. Halfway through, with the download paused, measures how much more heap
 * is live than before it started (the server runs in this process too).
 */
function download(path: string): Promise<{ lines: number; bytes: number; last: string; heapHeldHalfway: number }> {
  const { port } = t.server.address() as AddressInfo;
  const base = liveHeap();
  let heapHeldHalfway = 0;
  return new Promise((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path, headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } }, (res) => {
      let lines = 0;
      let bytes = 0;
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        const before = lines;
        for (const byte of chunk) if (byte === 10) lines += 1;
        tail = (tail + chunk.toString('utf8')).slice(-300);
        if (before < ROWS / 2 && lines >= ROWS / 2) {
          res.pause();
          heapHeldHalfway = liveHeap() - base;
          res.resume();
        }
      });
      res.on('end', () => resolve({ lines, bytes, last: tail.trimEnd().split('\r\n').pop()!, heapHeldHalfway }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('CSV exports stream from a database cursor', () => {
  it(`exports ${ROWS.toLocaleString('en')} rounds in full, in order, without holding them in memory`, async () => {
    const result = await download('/operator/reports/rounds?format=csv');
    expect(result.lines).toBe(ROWS + 1);
    expect(result.last).toMatch(new RegExp(`^client-fb-publi,round-${ROWS},busy,slot-${ROWS % 40},EUR,`));
    // ~30 MB of CSV: buffered, the first half of its rows alone would hold well over 50 MB of heap
    expect(result.heapHeldHalfway).toBeLessThan(16 * 1024 * 1024);
    process.stdout.write(`export: ${result.lines - 1} rows, ${(result.bytes / 1e6).toFixed(1)} MB, ` +
      `heap held halfway ${(result.heapHeldHalfway / 1e6).toFixed(1)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB\n`);
  });
});
