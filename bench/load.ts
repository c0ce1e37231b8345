import { createPrivateKey, KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { Pool } from 'undici';
import { hmacSignature, signingText } from '../src/wallet';
import { scenario, ScenarioName, Step, World } from './scenarios';
import { RecordedRun, Recorder } from './stats';

export interface LoadOptions {
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  scenario: ScenarioName;
  world: World;
  previousWithdraws: number;
  concurrency: number;
  seconds: number;
  /** Prefixes every id, so an untimed warm-up never collides with the measured run. */
  idPrefix?: string;
  /** Hub88's private key (PEM), for the hub88 scenarios. */
  hub88PrivateKeyPem?: string;
  /** This process takes the steps n = share, share + shares, …: several load processes never send the same step. */
  share?: number;
  shares?: number;
}

/**
 * Requests per second the Hub88 signatures are made ahead for: more than the wallet answers on this machine. At
 * 7,000 the runs at 256 in flight (7,400-7,700 req/s) ran out and signed on the way, 0.27 ms of RSA each, which the
 * load process then took from the server's two cores.
 */
const PRESIGN_RATE = 12_000;
const signAsync = promisify(sign);
/** How long each load process warms its code and connections before its clock starts (warmUp). */
const WARM_UP_SECONDS = 1;

interface Request {
  step: Step;
  raw: string;
  headers: Record<string, string>;
}

/**
 * Hub88 signs with RSA, which costs the load process about as much CPU as the server spends on the call; a real
 * Hub88 signs on its own machines. So the first requests of a Hub88 run are signed before the clock starts (in
 * libuv's thread pool), and only a run that outlasts them signs on the way.
 */
async function presign(next: (n: number) => Step[], count: number, key: KeyObject): Promise<Request[][]> {
  const groups: Request[][] = [];
  for (let from = 0; from < count; from += 256) {
    groups.push(...(await Promise.all(Array.from({ length: Math.min(256, count - from) }, (_x, i) => hub88Requests(next(from + i), key)))));
  }
  return groups;
}

async function hub88Requests(steps: Step[], key: KeyObject): Promise<Request[]> {
  return Promise.all(steps.map(async (step) => {
    const raw = JSON.stringify(step.body);
    const signature = (await signAsync('sha256', Buffer.from(raw), key)).toString('base64');
    return { step, raw, headers: { 'content-type': 'application/json', 'x-hub88-signature': signature } };
  }));
}

/**
 * The code of a refused call, undefined for an accepted one. Hub88 answers every outcome with HTTP 200 and says in
 * `status` whether it was accepted; Fizzy Bubbly refuses with an HTTP error and a `code`. Accepted Fizzy Bubbly
 * answers are not parsed at all.
 */
function refusalOf(path: string, status: number, text: string): string | undefined {
  if (path.startsWith('/hub88')) {
    const answer = JSON.parse(text) as { status: string };
    return status === 200 && answer.status === 'RS_OK' ? undefined : answer.status ?? `HTTP_${status}`;
  }
  return status === 200 ? undefined : (JSON.parse(text) as { code?: string }).code ?? `HTTP_${status}`;
}

/**
 * One POST through undici's dispatch API: the status and the body's text, without the request API's stream per
 * response, which cost this process more CPU per call than a real aggregator's client would.
 */
function post(pool: Pool, path: string, headers: Record<string, string>, body: string): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    const chunks: Buffer[] = [];
    pool.dispatch({ method: 'POST', path, headers, body }, {
      onConnect: () => undefined,
      onHeaders: (status) => {
        statusCode = status;
        return true;
      },
      onData: (chunk) => {
        chunks.push(chunk);
        return true;
      },
      onComplete: () => resolve({ statusCode, text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') }),
      onError: reject,
    });
  });
}

function hmacRequest(step: Step, options: LoadOptions): Request {
  const raw = JSON.stringify(step.body);
  const signature = hmacSignature(options.privateKey, signingText('POST', `${options.baseUrl}${step.path}`, Buffer.from(raw)));
  return { step, raw, headers: { 'content-type': 'application/json', 'public-key': options.publicKey, signature } };
}

/**
 * Untimed, before the clock starts: every virtual client asks balances over its keep-alive connection for
 * WARM_UP_SECONDS. Each run is a new load process; without this, its first 0.75 s (its own code not yet compiled,
 * its connections being opened) answered at half the rate with twice the latency, and that start, a real
 * aggregator's warm client never has, was an eighth of a 6 s run. Balances move no money, so the run's counts
 * of movements and successes are untouched.
 */
async function warmUp(pool: Pool, options: LoadOptions): Promise<void> {
  const balances = scenario('balance', options.world, 0);
  const deadline = process.hrtime.bigint() + BigInt(WARM_UP_SECONDS * 1e9);
  let counter = options.share ?? 0;
  const client = async () => {
    while (process.hrtime.bigint() < deadline) {
      for (const { step, raw, headers } of balances(counter++).map((s) => hmacRequest(s, options))) await post(pool, step.path, headers, raw);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
}

/**
 * Drives one scenario with `concurrency` virtual clients over keep-alive connections for `seconds`, once warmed up
 * and `ready` has resolved, and answers what it saw, unsummarised, so that the runs of several load processes add
 * up (Recorder.merge).
 */
export async function drive(options: LoadOptions, ready: () => Promise<void> = async () => undefined): Promise<RecordedRun> {
  const pool = new Pool(options.baseUrl, { connections: options.concurrency, pipelining: 1 });
  const [share, shares] = [options.share ?? 0, options.shares ?? 1];
  const all = scenario(options.scenario, options.world, options.previousWithdraws, options.idPrefix);
  const next = (n: number) => all(n * shares + share);
  const recorder = new Recorder();
  let counter = 0;
  const hub88Key = options.scenario.startsWith('hub88') && options.hub88PrivateKeyPem ? createPrivateKey(options.hub88PrivateKeyPem) : undefined;
  const ahead = hub88Key ? await presign(next, Math.ceil((options.seconds * PRESIGN_RATE) / shares), hub88Key) : [];
  await warmUp(pool, options);
  await ready();
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const deadline = started + BigInt(Math.round(options.seconds * 1e9));
  const requestsOf = async (n: number): Promise<Request[]> => {
    if (n < ahead.length) return ahead[n];
    if (hub88Key) return hub88Requests(next(n), hub88Key);
    return next(n).map((step) => hmacRequest(step, options));
  };

  const client = async () => {
    while (process.hrtime.bigint() < deadline) {
      for (const { step, raw, headers } of await requestsOf(counter++)) {
        const sent = process.hrtime.bigint();
        const res = await post(pool, step.path, headers, raw);
        const ms = Number(process.hrtime.bigint() - sent) / 1e6;
        const code = refusalOf(step.path, res.statusCode, res.text);
        recorder.record(ms, code === undefined, step.transactionId, code);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  await pool.close();
  return recorder.recorded(counter, seconds, Math.round((cpu.user + cpu.system) / 1000));
}

// Run as a child process: receive the options, send back the figures. Keeps the load generator's CPU apart
// from the server's, as a real aggregator's would be.
if (require.main === module && process.send) {
  // warmed up, it says so and waits for the word to start its clock: the parent reads every process's CPU then
  const ready = () => new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!({ ready: true });
  });
  process.once('message', (options: LoadOptions) => {
    drive(options, ready)
      .then((stats) => process.send!(stats, () => process.exit(0)))
      .catch((error: Error) => {
        console.error(error);
        process.exit(1);
      });
  });
}
