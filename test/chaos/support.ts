import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Knex } from 'knex';
import { childrenOf } from '../../bench/cpu';
import { freePort } from '../../src/http';
import { hmacSignature, signingText } from '../../src/wallet';

export const TOKEN = 'chaos-operator-token-0123456789';
export const FB_PUBLIC = 'chaos-fb-public';
export const FB_PRIVATE = 'chaos-fb-private-key';
const PUBLIC_URL = 'https://wallet.chaos.test';
const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

/** A real server process (the built dist/, as `npm start` runs it) that a test can kill -9, restart or stop. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  readonly url: string;
  /** Every log line the process wrote, across restarts. */
  readonly output: string[] = [];

  private constructor(readonly port: number, private readonly env: Record<string, string>) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(env: Record<string, string>): Promise<ServerProcess> {
    const server = new ServerProcess(await freePort(), env);
    await server.restart();
    return server;
  }

  async restart(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(this.port),
        OPERATOR_TOKEN: TOKEN,
        FB_PUBLIC_KEY: FB_PUBLIC,
        FB_PRIVATE_KEY: FB_PRIVATE,
        WALLET_PUBLIC_URL: PUBLIC_URL,
        LOG_LEVEL: 'warn',
        WEB_CONCURRENCY: '1', // one process unless a test asks for a cluster
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    for (let waited = 0; ; waited += 50) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${this.output.join('')}`);
      if (waited > 30_000) throw new Error(`server did not answer /healthz: ${this.output.join('')}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The process's id (a cluster's primary). */
  get pid(): number {
    return this.child!.pid!;
  }

  /** A cluster's workers: the process ids of its children (none for one process on an outside database). */
  workers(): number[] {
    return childrenOf(this.pid);
  }

  /** Whether the process still runs (it was neither stopped nor ended by itself). */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  kill9(): Promise<void> {
    return this.stop('SIGKILL').then(() => undefined);
  }

  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  }
}

export interface Answer {
  status: number;
  body: { balance?: number; code?: string; description?: string };
}

/** One attempt of a call, as the load saw it: what was sent, what came back (undefined: no answer) and when. */
export interface Attempt {
  route: string;
  body: { transactionId?: string };
  answer: Answer | undefined;
  sentAt: number;
  answeredAt: number;
}

/** Signs and posts a wallet call; undefined when no answer came (refused or cut connection, timeout). */
export async function walletCall(baseUrl: string, route: string, body: object, timeoutMs = 10_000): Promise<Answer | undefined> {
  const raw = Buffer.from(JSON.stringify(body));
  const signature = hmacSignature(FB_PRIVATE, signingText('POST', `${PUBLIC_URL}${route}`, raw));
  try {
    const res = await fetch(`${baseUrl}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Public-Key': FB_PUBLIC, Signature: signature },
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`${route} hung for ${timeoutMs} ms`);
    return undefined;
  }
}

export async function operatorCall(baseUrl: string, method: string, route: string, body?: object) {
  const res = await fetch(`${baseUrl}/operator${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export interface LoadReport {
  requests: number;
  /** Attempts that got no answer or a 500 (nothing written) and were sent again. */
  retried: number;
  answers500: string[];
  /** What each player's balance must be, in cents, from the answers alone. */
  expected: Map<string, bigint>;
  /** transactionIds the server acknowledged as moving money. */
  moved: string[];
}

/**
 * Plays rounds for each player (one player's calls in order, players concurrently): a bet, then a win or a
 * rollback. Every call is retried with the same body until it is answered with something other than a 500,
 * against `target()` (which may change as instances die). The model of each balance comes from the answers.
 */
export async function driveLoad(options: {
  target: () => string;
  players: string[];
  sessions: Map<string, string>;
  rounds: number;
  startCents: bigint;
  stop?: () => boolean;
  /** How long one call is retried before the run fails (default 30 s). */
  patienceMs?: number;
  observe?: (attempt: Attempt) => void;
}): Promise<LoadReport> {
  const report: LoadReport = { requests: 0, retried: 0, answers500: [], expected: new Map(), moved: [] };
  const patienceMs = options.patienceMs ?? 30_000;
  const untilAnswered = async (route: string, body: object): Promise<Answer> => {
    for (const started = Date.now(); ; ) {
      if (Date.now() - started > patienceMs) throw new Error(`${route} ${JSON.stringify(body)}: no answer in ${patienceMs} ms of retries`);
      report.requests += 1;
      const sentAt = Date.now();
      const answer = await walletCall(options.target(), route, body);
      options.observe?.({ route, body, answer, sentAt, answeredAt: Date.now() });
      if (answer && answer.status !== 500) return answer;
      if (answer) report.answers500.push(String(answer.body.code));
      report.retried += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(
    options.players.map(async (playerId, p) => {
      let cents = options.startCents;
      const common = { playerId, currency: 'EUR', gameId: 'chaos-slot' };
      for (let r = 0; r < options.rounds && !options.stop?.(); r += 1) {
        const round = `${playerId}-r${r}`;
        const bet = 100 + ((p * 7 + r * 13) % 400); // 1.00–4.99
        const withdraw = await untilAnswered('/wallet/withdraw', {
          ...common, sessionId: options.sessions.get(playerId), gameRoundId: round, transactionId: `${round}-bet`,
          amount: bet / 100, cashAmount: bet / 100, jackpotAmount: null, isGameRoundFinished: false,
        });
        const accepted = withdraw.status === 200;
        if (accepted) {
          cents -= BigInt(bet);
          report.moved.push(`${round}-bet`);
        }
        if ((p + r) % 4 === 0) {
          const rollback = await untilAnswered('/wallet/rollback', { ...common, sessionId: options.sessions.get(playerId), gameRoundId: round, transactionId: `${round}-rb`, withdrawTransactionId: `${round}-bet` });
          if (rollback.status === 200 && accepted) {
            cents += BigInt(bet);
            report.moved.push(`${round}-rb`);
          }
        } else {
          const win = ((p + r) % 3) * bet;
          const deposit = await untilAnswered('/wallet/deposit', {
            ...common, gameRoundId: round, transactionId: `${round}-win`, withdrawTransactionId: `${round}-bet`,
            amount: win / 100, cashAmount: win / 100, jackpotAmount: null, isGameRoundFinished: true,
          });
          if (deposit.status === 200) {
            cents += BigInt(win);
            report.moved.push(`${round}-win`);
          }
        }
      }
      report.expected.set(playerId, cents);
    }),
  );
  return report;
}

/** Creates funded players with sessions through the operator API. */
export async function givenPlayers(baseUrl: string, count: number, prefix: string, balance = '500.00') {
  const sessions = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    const playerId = `${prefix}-${i}`;
    await operatorCall(baseUrl, 'POST', '/players', { playerId, currency: 'EUR' });
    await operatorCall(baseUrl, 'POST', `/players/${playerId}/topups`, { amount: balance, transactionId: `${playerId}-seed` });
    const session = await operatorCall(baseUrl, 'POST', `/players/${playerId}/sessions`, { ttlSeconds: 3600 });
    sessions.set(playerId, String(session.sessionId));
  }
  return { players: [...sessions.keys()], sessions };
}

/**
 * The proof after a run: each balance equals the model, and each acknowledged movement is in the ledger exactly
 * once (one transfer under its idempotency key), and no other wallet movement exists.
 */
export async function expectLoadInLedger(db: Knex, report: LoadReport): Promise<void> {
  const balances = await db('accounts as a').join('players as p', 'p.id', 'a.player_id').select('p.external_id', 'a.balance');
  const actual = new Map(balances.map((b: { external_id: string; balance: string }) => [b.external_id, BigInt(b.balance)]));
  for (const [player, cents] of report.expected) expect(`${player} ${actual.get(player)}`).toBe(`${player} ${cents}`);
  const rows = await db('ledger_movements').whereIn('kind', ['bet', 'win', 'refund']).select('reference');
  const players = [...report.expected.keys()];
  const references = rows.map((r: { reference: string }) => r.reference).filter((ref) => players.some((p) => ref.startsWith(`${p}-r`))).sort();
  expect(references).toEqual([...report.moved].sort());
}
