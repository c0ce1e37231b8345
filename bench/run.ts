/**
 * npm run bench [-- --quick]: how close is the wallet to what its own database can do on this machine?
 *
 * 1. A fresh embedded PostgreSQL (or BENCH_DATABASE_URL), migrated and seeded with 10,000 funded players.
 * 2. The ceiling: the minimal durable bet (one conditional debit and one ledger insert in one statement) from a
 *    pool, spread and on one row; next to it the wallet's withdraw routine called the same way (no HTTP).
 * 3. The server in production mode in its own process, driven over HTTP by a load process of its own, at 8 and at
 *    64 requests in flight.
 * 4. Figures per scenario, each as a ratio to the ceiling, the server's memory, then the ledger proof and the
 *    movement count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { createDb, ensureRuntimeRole, migrate, roleOf, runtimeUrlOf, startEmbeddedPostgres, EmbeddedDatabase } from '../src/db';
import { createLogger } from '../src/log';
import { freePort } from '../src/http';
import { checkLedger } from '../src/ledger';
import { batchedRoutineLimit, BENCH_CLIENT, BENCH_HUB88, minimalBetLimit, movementCounts, PoolRun, routineLimit, seed, seedBrazilRules, seedMinimalBet } from './database';
import { LoadOptions } from './load';
import { ScenarioName } from './scenarios';
import { ScenarioStats } from './stats';

const quick = process.argv.includes('--quick');
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 1.5 : 6));
const PLAYERS = quick ? 2_000 : 10_000;
const IN_FLIGHT = (process.env.BENCH_IN_FLIGHT?.split(',') ?? ['8', '64']).map(Number);
// the ceiling is the best of these pool sizes, so the wallet is compared with the database at its best
const LIMIT_POOLS = quick ? [16] : [4, 8, 16];
const DB_POOL = Number(process.env.BENCH_DB_POOL ?? 16);
/** The server's group commit (WALLET_BATCH_SLOTS): the batched routine is measured on this many connections. */
const BATCH_SLOTS = Number(process.env.WALLET_BATCH_SLOTS ?? 4);
const BATCH_CALLS = 16;
const STAKE = 0.01;
const WARM_UP_SECONDS = quick ? 1 : 3;
/** BENCH_JURISDICTION=BR runs every bet under Brazil's rules (docs/protection.md): the register state, the required limits, play time. */
const BRAZIL = process.env.BENCH_JURISDICTION === 'BR';
const SCENARIOS = (process.env.BENCH_SCENARIOS?.split(',') ?? ['withdraw', 'hub88-withdraw', 'deposit', 'rollback', 'balance', 'mix', 'hot-withdraw', 'duplicates']) as ScenarioName[];
/** Scenarios whose every call is a money movement on a spread player, compared with the spread ceiling. */
const SPREAD_MONEY: ScenarioName[] = ['withdraw', 'hub88-withdraw', 'deposit', 'rollback', 'duplicates'];

const logger = createLogger('warn');

async function database(): Promise<{ url: string; embedded?: EmbeddedDatabase; dir?: string }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-bench-'));
  fs.chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres(dir, await freePort(), logger);
  return { url: embedded.url, embedded, dir };
}

async function startServer(url: string, port: number): Promise<ChildProcess> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = spawn(process.execPath, [...nodeArgs, path.resolve(__dirname, '../src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // as in production: the server serves as the runtime role, the owner migrates (docs/operations.md "Database roles")
      DATABASE_URL: runtimeUrlOf(url),
      MIGRATION_DATABASE_URL: url,
      APPROVAL_THRESHOLD: 'EUR:1000.00,BRL:1000.00',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      OPERATOR_TOKEN: 'bench-operator-token-0123456789-0123456789',
      SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
      DB_POOL_MAX: String(DB_POOL),
      // the register is never asked on a bet; production only wants it configured
      ...(BRAZIL ? { JURISDICTION: 'BR', SIGAP_BASE_URL: 'http://127.0.0.1:9', SIGAP_TOKEN: 'bench' } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGKILL');
  throw new Error('the server did not start');
}

function runLoad(options: LoadOptions): Promise<ScenarioStats> {
  return new Promise((resolve, reject) => {
    const child = fork(path.resolve(__dirname, 'load.js'), { stdio: 'inherit' });
    child.once('message', (stats) => resolve(stats as ScenarioStats));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load process exited with ${code}`))));
    child.send(options);
  });
}

const pct = (x: number | undefined) => (x === undefined ? '' : `${Math.round(x * 100)} %`);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The resident memory of a process, from /proc (Linux), in MiB. */
function rssMiB(pid: number | undefined): number | null {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kib ? Math.round(Number(kib[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

type Measured = ScenarioStats & { pool: number };

/** The ceiling and the routine at every pool size, spread and on one row; the best pool of each. */
async function databaseFigures(url: string, base: Omit<PoolRun, 'connections' | 'hot'>) {
  const runs: { pool: number; hot: boolean; minimal: ScenarioStats; routine: ScenarioStats }[] = [];
  for (const hot of [false, true]) {
    for (const pool of LIMIT_POOLS) {
      const options = { ...base, connections: pool, hot, idPrefix: `p${pool}-` };
      const minimal = await minimalBetLimit(url, options);
      const routine = await routineLimit(url, options);
      runs.push({ pool, hot, minimal, routine });
      console.log(`  pool ${String(pool).padStart(2)}, ${hot ? 'one row   ' : 'spread    '}: minimal bet ${String(minimal.rps).padStart(6)} tx/s, ` +
        `withdraw routine ${String(routine.rps).padStart(6)} tx/s (${pct(ratio(routine.rps, minimal.rps))})`);
    }
  }
  const best = (hot: boolean, key: 'minimal' | 'routine'): Measured => {
    const top = runs.filter((r) => r.hot === hot).reduce((a, b) => (b[key].rps > a[key].rps ? b : a));
    return { ...top[key], pool: top.pool };
  };
  const atSamePool = (hot: boolean) => {
    const top = runs.filter((r) => r.hot === hot).reduce((a, b) => (b.minimal.rps > a.minimal.rps ? b : a));
    return ratio(top.routine.rps, top.minimal.rps);
  };
  // the routine as the group commit runs it, beside the minimal bet on as many connections
  const batched = { spread: await batchedRoutineLimit(url, { ...base, connections: BATCH_SLOTS, hot: false, batch: BATCH_CALLS, idPrefix: 'b-' }),
    hot: await batchedRoutineLimit(url, { ...base, connections: BATCH_SLOTS, hot: true, batch: BATCH_CALLS, idPrefix: 'b-' }) };
  const minimalAt = async (hot: boolean) =>
    runs.find((r) => r.pool === BATCH_SLOTS && r.hot === hot)?.minimal ?? minimalBetLimit(url, { ...base, connections: BATCH_SLOTS, hot });
  const minimalAtSlots = { spread: await minimalAt(false), hot: await minimalAt(true) };
  for (const key of ['spread', 'hot'] as const) {
    console.log(`  pool ${String(BATCH_SLOTS).padStart(2)}, ${key === 'hot' ? 'one row   ' : 'spread    '}: minimal bet ${String(minimalAtSlots[key].rps).padStart(6)} tx/s, ` +
      `withdraw routine in batches of ${BATCH_CALLS} ${String(batched[key].rps).padStart(6)} calls/s (${pct(ratio(batched[key].rps, minimalAtSlots[key].rps))})`);
  }
  const routineSuccesses = [...runs.map((r) => r.routine), batched.spread, batched.hot].reduce((sum, r) => sum + r.distinctSuccesses, 0);
  return {
    ceiling: { spread: best(false, 'minimal'), hot: best(true, 'minimal') },
    routine: { spread: best(false, 'routine'), hot: best(true, 'routine') },
    routineRatio: { spread: atSamePool(false), hot: atSamePool(true) },
    batched: { pool: BATCH_SLOTS, calls: BATCH_CALLS, spread: batched.spread, hot: batched.hot, minimal: minimalAtSlots,
      ratio: { spread: ratio(batched.spread.rps, minimalAtSlots.spread.rps), hot: ratio(batched.hot.rps, minimalAtSlots.hot.rps) } },
    routineSuccesses,
  };
}

async function main() {
  const { url, embedded, dir } = await database();
  const db = createDb(url, { poolMax: 4, statementTimeoutMs: 600_000 });
  let server: ChildProcess | undefined;
  try {
    await migrate(url, undefined, roleOf(await ensureRuntimeRole(url)));
    const clientId = await seed(db, PLAYERS);
    await seedMinimalBet(db, PLAYERS);
    if (BRAZIL) await seedBrazilRules(db);
    console.log(`wallet benchmark: ${os.cpus().length} cores, ${PLAYERS} players, ${SECONDS} s per run, ` +
      `${IN_FLIGHT.join(' and ')} HTTP requests in flight, server pool ${DB_POOL}${BRAZIL ? ', JURISDICTION=BR' : ''}${quick ? ' (quick)' : ''}\n`);

    const base = { clientId, players: PLAYERS, seconds: SECONDS, stakeMinor: Math.round(STAKE * 100) };
    // Untimed warm-up: a new cluster first creates its WAL segments and writes first-touch pages; neither side
    // of the comparison should pay for that.
    const warmUp = await routineLimit(url, { ...base, connections: DB_POOL, seconds: WARM_UP_SECONDS, hot: false, idPrefix: 'warm-' });
    await minimalBetLimit(url, { ...base, connections: DB_POOL, seconds: WARM_UP_SECONDS, hot: false, idPrefix: 'warm-' });
    const figures = await databaseFigures(url, base);
    const { ceiling } = figures;
    console.log(`ceiling (minimal bet, best pool): spread ${ceiling.spread.rps} tx/s (pool ${ceiling.spread.pool}), one row ${ceiling.hot.rps} tx/s (pool ${ceiling.hot.pool})`);

    const port = await freePort();
    server = await startServer(url, port);
    const load = (scenarioName: ScenarioName, concurrency: number, seconds: number, previousWithdraws: number, idPrefix: string) =>
      runLoad({
        baseUrl: `http://127.0.0.1:${port}`,
        ...BENCH_CLIENT,
        hub88PrivateKeyPem: BENCH_HUB88.privateKeyPem,
        scenario: scenarioName,
        world: { players: PLAYERS, stake: STAKE },
        previousWithdraws,
        concurrency,
        seconds,
        idPrefix,
      });
    // untimed: JIT, the pool, and the heap at the largest number in flight, so the RSS after it is a working size
    const serverWarmUp = await load('mix', Math.max(...IN_FLIGHT), WARM_UP_SECONDS, 0, 'warm-');
    const rssAfterWarmUp = rssMiB(server.pid);
    const results: Record<string, ScenarioStats & { scenario: ScenarioName; inFlight: number; ratio?: number }> = {};
    for (const inFlight of IN_FLIGHT) {
      let withdraws = 0;
      for (const name of SCENARIOS) {
        const stats = await load(name, inFlight, SECONDS, withdraws, `c${inFlight}-`);
        if (name === 'withdraw') withdraws = stats.distinctSuccesses;
        const against = name === 'hot-withdraw' ? ceiling.hot.rps : SPREAD_MONEY.includes(name) ? ceiling.spread.rps : undefined;
        results[`${name} @${inFlight}`] = { ...stats, scenario: name, inFlight, ...(against ? { ratio: ratio(stats.rps, against) } : {}) };
      }
    }
    const rssAtEnd = rssMiB(server.pid);

    console.log('\nscenario @ in flight      req/s    p50 ms   p99 ms   max ms   errors   ÷ ceiling');
    const dbRow = (name: string, r: ScenarioStats, against: number) => console.log(`${name.padEnd(22)} ${String(r.rps).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ` +
      `${r.p99Ms.toFixed(2).padStart(8)} ${r.maxMs.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}   ${pct(ratio(r.rps, against))} (same pool)`);
    dbRow('routine, alone', figures.routine.spread, figures.routine.spread.rps / figures.routineRatio.spread);
    dbRow(`routine, batches ${BATCH_CALLS}`, figures.batched.spread, figures.batched.minimal.spread.rps);
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `${name.padEnd(22)} ${String(r.rps).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(8)} ` +
          `${r.maxMs.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}   ${pct(r.ratio)}`,
      );
    }
    console.log(`\nserver RSS: ${rssAfterWarmUp} MiB after warm-up, ${rssAtEnd} MiB after the last run`);

    const ledger = await checkLedger(db);
    const counts = await movementCounts(db);
    const clientSuccesses = [...Object.values(results), warmUp, serverWarmUp].reduce((sum, r) => sum + r.distinctSuccesses, figures.routineSuccesses);
    const checks = {
      ledgerSound: ledger.sound,
      transfers: ledger.transfers,
      movements: counts.movements,
      acceptedCalls: counts.acceptedCalls,
      distinctSuccessesSeenByClients: clientSuccesses,
      movementsMatch: counts.movements === counts.acceptedCalls && counts.movements === clientSuccesses,
      zeroErrors: Object.values(results).every((r) => r.errors === 0),
      rssFlat: rssAfterWarmUp !== null && rssAtEnd !== null && rssAtEnd <= rssAfterWarmUp * 1.2,
    };
    console.log(`ledger ${ledger.sound ? 'sound' : 'NOT SOUND'} (${ledger.transfers} transfers); ` +
      `movements ${counts.movements} = accepted calls ${counts.acceptedCalls} = distinct successes seen by clients ${clientSuccesses}: ${checks.movementsMatch ? 'yes' : 'NO'}`);
    const at = (name: ScenarioName, inFlight: number) => results[`${name} @${inFlight}`];
    const everyInFlight = (test: (inFlight: number) => boolean) => IN_FLIGHT.every(test);
    const targets = {
      routine50: Math.max(figures.routineRatio.spread, figures.batched.ratio.spread) >= 0.5,
      httpWithdraw25: everyInFlight((c) => (at('withdraw', c)?.ratio ?? 0) >= 0.25),
      depositRollback25: everyInFlight((c) => (at('deposit', c)?.ratio ?? 0) >= 0.25 && (at('rollback', c)?.ratio ?? 0) >= 0.25),
      withdrawP99: (at('withdraw', 8)?.p99Ms ?? Infinity) <= 20 && (at('withdraw', 64)?.p99Ms ?? Infinity) <= 60,
      hot50: Math.max(...IN_FLIGHT.map((c) => at('hot-withdraw', c)?.ratio ?? 0)) >= 0.5,
      balance5000: Math.max(...IN_FLIGHT.map((c) => at('balance', c)?.rps ?? 0)) >= 5000,
      rssFlat: checks.rssFlat,
      stretchWithdraw50: everyInFlight((c) => (at('withdraw', c)?.ratio ?? 0) >= 0.5),
      // the second contract costs no more than the first: Hub88's bets within 15 % of Fizzy Bubbly's, same run
      hub88Within15: everyInFlight((c) => (at('hub88-withdraw', c)?.rps ?? 0) >= 0.85 * (at('withdraw', c)?.rps ?? Infinity)),
    };
    console.log(`targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`).join(', ')}`);

    const report = {
      at: new Date().toISOString(),
      quick,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      settings: { seconds: SECONDS, players: PLAYERS, inFlight: IN_FLIGHT, serverPool: DB_POOL, limitPools: LIMIT_POOLS, stake: STAKE },
      database: figures,
      scenarios: results,
      serverRssMiB: { afterWarmUp: rssAfterWarmUp, atEnd: rssAtEnd },
      checks,
      targets,
    };
    fs.mkdirSync(path.resolve(__dirname, '../../bench'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, '../../bench/results.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (!checks.ledgerSound || !checks.movementsMatch || !checks.zeroErrors) process.exitCode = 1;
  } finally {
    server?.kill('SIGTERM');
    await db.destroy();
    if (embedded) await embedded.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.stack);
  process.exit(1);
});
