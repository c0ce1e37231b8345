/**
 * npm run bench [-- --quick]: how close is the wallet to what its own database can do on this machine?
 *
 * 1. A fresh embedded PostgreSQL (or BENCH_DATABASE_URL), migrated and seeded with 10,000 funded players.
 * 2. The ceiling: the minimal durable bet (one conditional debit and one ledger insert in one statement) from a
 *    pool, spread and on one row; next to it the wallet's withdraw routine called the same way (no HTTP).
 * 3. The server in production mode in its own processes (one worker per core, as `npm start` runs it), driven over
 *    HTTP by load processes of its own (one per four cores, BENCH_LOAD_PROCESSES), at 8 and at 64 requests in
 *    flight; then withdraw at 64 on a single worker.
 * 4. Figures per scenario, each as a ratio to the ceiling, with the CPU each process spent per accepted call (the
 *    server's, PostgreSQL's backends', the load's, from /proc) and what those costs project on 16 cores; the
 *    server's memory, then the ledger proof and the movement count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { createDb, ensureRuntimeRole, migrate, roleOf, runtimeUrlOf, startEmbeddedPostgres, EmbeddedDatabase } from '../src/db';
import { createLogger } from '../src/log';
import { freePort } from '../src/http';
import { checkLedger } from '../src/ledger';
import { batchedRoutineLimit, BENCH_CLIENT, BENCH_HUB88, checkpoint, minimalBetLimit, movementCounts, PoolRun, routineLimit, seed, seedBrazilRules, seedMinimalBet } from './database';
import { LoadOptions } from './load';
import { ScenarioName } from './scenarios';
import { RecordedRun, Recorder, ScenarioStats } from './stats';
import { mainThreadCpuMs, postmasterOf, processTree, treeCpuMs } from './cpu';

const quick = process.argv.includes('--quick');
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 1.5 : 6));
const PLAYERS = quick ? 2_000 : 10_000;
const IN_FLIGHT = (process.env.BENCH_IN_FLIGHT?.split(',') ?? ['8', '64']).map(Number);
// the ceiling is the best of these pool sizes, so the wallet is compared with the database at its best
const LIMIT_POOLS = quick ? [16] : [4, 8, 16];
const DB_POOL = Number(process.env.BENCH_DB_POOL ?? 16);
/** The server's workers (WEB_CONCURRENCY), one per core as `npm start` runs; the scaling run adds a single one. */
const WORKERS = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());
/** What the CPU costs are projected onto: the 16-core machine of issue #30. */
const PROJECTED_CORES = 16;
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
/** Load processes per run (BENCH_LOAD_PROCESSES): one per four cores, so that no single one saturates on a big machine. */
const LOAD_PROCESSES = Number(process.env.BENCH_LOAD_PROCESSES ?? Math.max(1, Math.floor(os.availableParallelism() / 4)));
/** A load process busier than this share of a core may be what limits the run: the row says so. */
const LOAD_SATURATED = 0.8;

const logger = createLogger('warn');

async function database(): Promise<{ url: string; embedded?: EmbeddedDatabase; dir?: string }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-bench-'));
  fs.chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres(dir, await freePort(), logger);
  return { url: embedded.url, embedded, dir };
}

/** Node's own options for a process the bench starts (`--cpu-prof …`), from an environment variable. */
function nodeArgsOf(variable: string): string[] {
  return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

async function startServer(url: string, port: number, workers: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [...nodeArgsOf('BENCH_SERVER_NODE_ARGS'), path.resolve(__dirname, '../src/main.js')], {
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
      WEB_CONCURRENCY: String(workers),
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

/** One load process: `warm` once it has warmed up, then it waits for `go()` to start its clock; `stop()` ends it unmeasured. */
function loadProcess(options: LoadOptions): { warm: Promise<void>; go(): void; stop(): void; run: Promise<RecordedRun> } {
  const child = fork(path.resolve(__dirname, 'load.js'), { stdio: 'inherit', execArgv: nodeArgsOf('BENCH_LOAD_NODE_ARGS') });
  let warmed!: () => void;
  const warm = new Promise<void>((resolve) => { warmed = resolve; });
  const run = new Promise<RecordedRun>((resolve, reject) => {
    child.on('message', (message) => ((message as { ready?: boolean }).ready ? warmed() : resolve(message as RecordedRun)));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load process exited with ${code}`))));
  });
  child.send(options);
  return { warm, go: () => child.send('go'), stop: () => child.kill(), run };
}

/**
 * The scenario driven by LOAD_PROCESSES processes side by side, the requests in flight shared out among them. Once
 * every one has warmed up, `atStart` runs (the readings the run is measured from), then all start their clocks. If
 * the readings cannot be taken, or a load process fails, the others are stopped and the run fails with that error.
 */
async function runLoad(options: LoadOptions, atStart: () => Promise<void> = async () => undefined): Promise<ScenarioStats> {
  const shares = Math.min(LOAD_PROCESSES, options.concurrency);
  const processes = Array.from({ length: shares }, (_x, share) => loadProcess({
    ...options, share, shares, concurrency: Math.floor(options.concurrency / shares) + (share < options.concurrency % shares ? 1 : 0) }));
  const started = Promise.all(processes.map((p) => p.warm)).then(atStart).then(() => processes.forEach((p) => p.go()));
  try {
    const [, runs] = await Promise.all([started, Promise.all(processes.map((p) => p.run))]);
    return Recorder.merge(runs);
  } catch (error) {
    processes.forEach((p) => p.stop());
    throw error;
  }
}

const pct = (x: number | undefined) => (x === undefined ? '' : `${Math.round(x * 100)} %`);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The resident memory of a process and its children (a cluster's workers), from /proc (Linux), in MiB. */
function rssMiB(pid: number | undefined): number | null {
  try {
    const kib = processTree(pid!).reduce((sum, p) => sum + Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0), 0);
    return kib ? Math.round(kib / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * CPU ms per accepted call of each process, and what they sustain on PROJECTED_CORES (calls/s) and which one bounds
 * it. `serial` is the main thread of the server process every call crosses (a cluster's primary, which runs the group
 * commit, or the one process): one event loop, so it alone caps the server at one core's worth, however many cores.
 */
interface CpuPerCall {
  server: number;
  serial: number | null;
  postgres: number | null;
  load: number;
  projected: number | null;
  limit: string;
}

/** What the rows call the server process every call crosses. */
const serialName = (workers: number) => (workers > 1 ? 'primary' : 'one process');

const perCallMs = (ms: number, accepted: number) => Math.round((ms / Math.max(accepted, 1)) * 1000) / 1000;

function perCall(costs: { server: number; postgres: number | null; load: number }, accepted: number, serialProcess?: { name: string; ms: number }): CpuPerCall {
  const per = { server: perCallMs(costs.server, accepted), postgres: costs.postgres === null ? null : perCallMs(costs.postgres, accepted), load: perCallMs(costs.load, accepted) };
  const serial = serialProcess ? perCallMs(serialProcess.ms, accepted) : null;
  const known = Object.entries(per).filter((e): e is [string, number] => e[1] !== null);
  const total = known.reduce((sum, [, v]) => sum + v, 0);
  const onCores = per.postgres === null || total === 0 ? null : Math.round((PROJECTED_CORES * 1000) / total);
  const onOneCore = serial ? Math.round(1000 / serial) : null;
  const serialBounds = onCores !== null && onOneCore !== null && onOneCore < onCores;
  return {
    ...per, serial,
    projected: serialBounds ? onOneCore : onCores,
    limit: serialBounds ? `${serialProcess!.name}, one core` : known.reduce((a, b) => (b[1] > a[1] ? b : a), ['none', 0])[0],
  };
}

type Measured = ScenarioStats & { pool: number };

/** The server's group commit so far (its /metrics, every worker's summed): calls, and the commits they took. */
async function commitCounts(port: number): Promise<{ calls: number; commits: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  const [alone, batched, retried] = ['alone', 'batched', 'retried'].map((way) => count(new RegExp(`wallet_group_commit_calls_total\\{way="${way}"\\} (\\d+)`)));
  return { calls: alone + batched + retried, commits: alone + retried + count(/wallet_group_commit_batches_total (\d+)/) };
}

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
    const poolPerWorker = Math.max(BATCH_SLOTS + 1, Math.ceil(DB_POOL / WORKERS));
    const { rows: [postgres] } = await db.raw<{ rows: { version: string; jit: boolean }[] }>(
      `SELECT current_setting('server_version') AS version, pg_jit_available() AS jit`);
    console.log(`wallet benchmark: ${os.availableParallelism()} cores, PostgreSQL ${postgres.version} (JIT ${postgres.jit ? 'available' : 'not built in'}), ${PLAYERS} players, ${SECONDS} s per run, ` +
      `${IN_FLIGHT.join(' and ')} HTTP requests in flight from ${LOAD_PROCESSES} load process(es); server ${WORKERS} worker(s), pool ${DB_POOL} (${poolPerWorker} per worker), ` +
      `group commit ${BATCH_SLOTS} slots; database pools ${LIMIT_POOLS.join(', ')}${BRAZIL ? '; JURISDICTION=BR' : ''}${quick ? ' (quick)' : ''}\n`);
    const postmaster = dir ? postmasterOf(path.join(dir, 'pg')) : undefined;
    const postgresCpu = () => (postmaster ? treeCpuMs(postmaster) : null);

    const base = { clientId, players: PLAYERS, seconds: SECONDS, stakeMinor: Math.round(STAKE * 100) };
    // Untimed warm-up: a new cluster first creates its WAL segments and writes first-touch pages; neither side
    // of the comparison should pay for that.
    const warmUp = await routineLimit(url, { ...base, connections: DB_POOL, seconds: WARM_UP_SECONDS, hot: false, idPrefix: 'warm-' });
    await minimalBetLimit(url, { ...base, connections: DB_POOL, seconds: WARM_UP_SECONDS, hot: false, idPrefix: 'warm-' });
    const figures = await databaseFigures(url, base);
    const { ceiling } = figures;
    console.log(`ceiling (minimal bet, best pool): spread ${ceiling.spread.rps} tx/s (pool ${ceiling.spread.pool}), one row ${ceiling.hot.rps} tx/s (pool ${ceiling.hot.pool})`);
    // the minimal bet's own CPU per transaction (PostgreSQL's backends and this process, its driver), projected as the
    // wallet's is; measured before the server's runs and again after them, and the cheaper of the two is the one the
    // wallet is held to, so that the VM slowing down in between cannot flatter the wallet
    const minimalCpuOnce = async (when: string) => {
      let atStart: [number | null, NodeJS.CpuUsage] | undefined;
      const run = await minimalBetLimit(url, { ...base, connections: ceiling.spread.pool, hot: false, idPrefix: `cpu-${when}-`,
        atStart: () => (atStart = [postgresCpu(), process.cpuUsage()]) });
      const [pg0, driver0] = atStart!;
      await new Promise((resolve) => setTimeout(resolve, 300)); // the closed pool's backends end and are reaped
      const driver = process.cpuUsage(driver0);
      const cpu = perCall({ server: 0, postgres: pg0 === null ? null : postgresCpu()! - pg0, load: (driver.user + driver.system) / 1000 }, run.distinctSuccesses);
      console.log(`minimal bet CPU per transaction (${when}): PostgreSQL ${cpu.postgres ?? '?'} ms, driver ${cpu.load} ms → ${PROJECTED_CORES} cores ≈ ${cpu.projected ?? '?'} tx/s`);
      return cpu;
    };
    const minimalBefore = await minimalCpuOnce('before');

    const port = await freePort();
    server = await startServer(url, port, WORKERS);
    const load = (scenarioName: ScenarioName, concurrency: number, seconds: number, previousWithdraws: number, idPrefix: string, atStart?: () => Promise<void>) =>
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
      }, atStart);
    // untimed: JIT, the pool, and the heap at the largest number in flight, so the RSS after it is a working size
    const serverWarmUp = await load('mix', Math.max(...IN_FLIGHT), WARM_UP_SECONDS, 0, 'warm-');
    const rssAfterWarmUp = rssMiB(server.pid);
    type Result = ScenarioStats & { scenario: ScenarioName; inFlight: number; workers: number; ratio?: number; cpu: CpuPerCall; callsPerCommit: number | null };
    /** One scenario with the CPU each process spent on it, per accepted call. */
    const measured = async (name: ScenarioName, inFlight: number, withdraws: number, prefix: string, workers: number): Promise<Result> => {
      await checkpoint((sql) => db.raw(sql));
      const cpuNow = () => ({ server: treeCpuMs(server!.pid!), serial: mainThreadCpuMs(server!.pid!), postgres: postgresCpu() });
      // read as the load's clocks start, after its warm-up: the warm-up's balances are not the scenario's work
      let atStart: { commits: Awaited<ReturnType<typeof commitCounts>>; cpu: ReturnType<typeof cpuNow> } | undefined;
      const stats = await load(name, inFlight, SECONDS, withdraws, prefix, async () => {
        atStart = { commits: await commitCounts(port), cpu: cpuNow() };
      });
      // the CPU is read before the second scrape of /metrics, whose queries are not the scenario's work
      const [{ commits: commits0, cpu: cpu0 }, cpu1] = [atStart!, cpuNow()];
      const cpu = perCall({ server: cpu1.server - cpu0.server, postgres: cpu0.postgres === null ? null : cpu1.postgres! - cpu0.postgres, load: stats.loadCpuMs ?? 0 },
        stats.requests - stats.errors, { name: serialName(workers), ms: cpu1.serial - cpu0.serial });
      const commits1 = await commitCounts(port);
      const callsPerCommit = commits1.commits > commits0.commits ? Math.round(((commits1.calls - commits0.calls) / (commits1.commits - commits0.commits)) * 100) / 100 : null;
      const against = name === 'hot-withdraw' ? ceiling.hot.rps : SPREAD_MONEY.includes(name) ? ceiling.spread.rps : undefined;
      return { ...stats, scenario: name, inFlight, workers, cpu, callsPerCommit, ...(against ? { ratio: ratio(stats.rps, against) } : {}) };
    };
    const results: Record<string, Result> = {};
    for (const inFlight of IN_FLIGHT) {
      let withdraws = 0;
      for (const name of SCENARIOS) {
        const result = await measured(name, inFlight, withdraws, `c${inFlight}-`, WORKERS);
        if (name === 'withdraw') withdraws = result.stepsInOrder ?? result.distinctSuccesses;
        results[`${name} @${inFlight}`] = result;
      }
    }
    const rssAtEnd = rssMiB(server.pid);
    // scaling: withdraw at the most in flight on one worker, beside the run on every worker above
    const scalingInFlight = Math.max(...IN_FLIGHT);
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    server = await startServer(url, port, 1);
    const singleWarmUp = await load('mix', scalingInFlight, WARM_UP_SECONDS, 0, 'warm1-');
    const single = await measured('withdraw', scalingInFlight, 0, 'one-', 1);
    const scaling = { inFlight: scalingInFlight, ceiling: ceiling.spread.rps, single, every: results[`withdraw @${scalingInFlight}`] };

    console.log('\nscenario @ in flight      req/s    p50 ms   p99 ms   max ms   errors   ÷ ceiling   CPU ms per call: server   pg   load   ' +
      `→ ${PROJECTED_CORES} cores`);
    const dbRow = (name: string, r: ScenarioStats, against: number) => console.log(`${name.padEnd(22)} ${String(r.rps).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ` +
      `${r.p99Ms.toFixed(2).padStart(8)} ${r.maxMs.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}   ${pct(ratio(r.rps, against))} (same pool)`);
    dbRow('routine, alone', figures.routine.spread, figures.routine.spread.rps / figures.routineRatio.spread);
    dbRow(`routine, batches ${BATCH_CALLS}`, figures.batched.spread, figures.batched.minimal.spread.rps);
    const httpRow = (name: string, r: Result) => console.log(
      `${name.padEnd(22)} ${String(r.rps).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(8)} ` +
        `${r.maxMs.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}   ${pct(r.ratio).padStart(9)}   ${r.cpu.server.toFixed(3).padStart(22)} ` +
        `${(r.cpu.postgres ?? 0).toFixed(3).padStart(6)} ${r.cpu.load.toFixed(3).padStart(6)}   ${r.cpu.projected ?? '?'}/s (${r.cpu.limit})` +
        `   ${r.callsPerCommit ?? '?'} calls per commit   ${serialName(r.workers)} ${r.cpu.serial?.toFixed(3) ?? '?'} ms` +
        `   load ×${r.loadProcesses ?? 1}, busiest ${pct(r.loadBusiest)} of a core${(r.loadBusiest ?? 0) > LOAD_SATURATED ? ' LOAD SATURATED' : ''}`);
    for (const [name, r] of Object.entries(results)) httpRow(name, r);
    console.log(`\nscaling: withdraw @${scaling.inFlight} beside the ceiling (${scaling.ceiling} tx/s), same run`);
    httpRow('1 worker', scaling.single);
    if (scaling.every) httpRow(`${WORKERS} workers`, scaling.every);
    const minimalAfter = await minimalCpuOnce('after');
    const minimalCpu = [minimalBefore, minimalAfter].reduce((a, b) => ((b.projected ?? 0) > (a.projected ?? 0) ? b : a));
    console.log(`minimal bet → ${PROJECTED_CORES} cores ≈ ${minimalCpu.projected ?? '?'} tx/s (the better of before and after); wallet withdraw @${scaling.inFlight} → ${scaling.every?.cpu.projected ?? '?'} /s ` +
      `(${pct(scaling.every?.cpu.projected && minimalCpu.projected ? ratio(scaling.every.cpu.projected, minimalCpu.projected) : undefined)})`);
    console.log(`\nserver RSS: ${rssAfterWarmUp} MiB after warm-up, ${rssAtEnd} MiB after the last run`);

    const ledger = await checkLedger(db);
    const counts = await movementCounts(db);
    const clientSuccesses = [...Object.values(results), warmUp, serverWarmUp, singleWarmUp, single].reduce((sum, r) => sum + r.distinctSuccesses, figures.routineSuccesses);
    const checks = {
      ledgerSound: ledger.sound,
      transfers: ledger.transfers,
      movements: counts.movements,
      acceptedCalls: counts.acceptedCalls,
      distinctSuccessesSeenByClients: clientSuccesses,
      movementsMatch: counts.movements === counts.acceptedCalls && counts.movements === clientSuccesses,
      zeroErrors: [...Object.values(results), single].every((r) => r.errors === 0),
      rssFlat: rssAfterWarmUp !== null && rssAtEnd !== null && rssAtEnd <= rssAfterWarmUp * 1.2,
    };
    console.log(`ledger ${ledger.sound ? 'sound' : 'NOT SOUND'} (${ledger.transfers} transfers); ` +
      `movements ${counts.movements} = accepted calls ${counts.acceptedCalls} = distinct successes seen by clients ${clientSuccesses}: ${checks.movementsMatch ? 'yes' : 'NO'}`);
    const at = (name: ScenarioName, inFlight: number) => results[`${name} @${inFlight}`];
    const everyInFlight = (test: (inFlight: number) => boolean) => IN_FLIGHT.every(test);
    const within15 = (name: ScenarioName, of: ScenarioName) => everyInFlight((c) => (at(name, c)?.rps ?? 0) >= 0.85 * (at(of, c)?.rps ?? Infinity));
    const atMost = IN_FLIGHT.filter((c) => c >= 256);
    const withdrawProjection = scaling.every?.cpu.projected ?? 0;
    // issue #30's targets (ratios in this run)
    const targets = {
      routine50: Math.max(figures.routineRatio.spread, figures.batched.ratio.spread) >= 0.5,
      httpWithdraw50at64: (at('withdraw', 64)?.ratio ?? 0) >= 0.5,
      httpWithdraw25at8: (at('withdraw', 8)?.ratio ?? 0) >= 0.25,
      projection16HalfOfMinimal: minimalCpu.projected !== null && withdrawProjection >= 0.5 * minimalCpu.projected,
      p99At64Under20: (at('withdraw', 64)?.p99Ms ?? Infinity) <= 20,
      ...(atMost.length ? { p99At256Under100: atMost.every((c) => (at('withdraw', c)?.p99Ms ?? Infinity) <= 100 && (at('withdraw', c)?.errors ?? 1) === 0) } : {}),
      depositRollbackWithin15: within15('deposit', 'withdraw') && within15('rollback', 'withdraw'),
      hub88Within15: within15('hub88-withdraw', 'withdraw'),
      balance20000Projected: Math.max(...IN_FLIGHT.map((c) => at('balance', c)?.cpu.projected ?? 0)) >= 20_000,
      rssFlat: checks.rssFlat,
    };
    console.log(`targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`).join(', ')}`);

    const report = {
      at: new Date().toISOString(),
      quick,
      machine: { cpus: os.availableParallelism(), model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      settings: { seconds: SECONDS, players: PLAYERS, inFlight: IN_FLIGHT, loadProcesses: LOAD_PROCESSES, workers: WORKERS, serverPool: DB_POOL, poolPerWorker, limitPools: LIMIT_POOLS, stake: STAKE,
        projectedCores: PROJECTED_CORES },
      database: { ...figures, minimalCpu, minimalCpuBefore: minimalBefore, minimalCpuAfter: minimalAfter },
      scenarios: results,
      scaling,
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
