/**
 * Plays realistic rounds against a running wallet server, as a signed aggregator would: balance, bet, win
 * (often zero), now and then a retried bet or a rollback instead of a win. Prints what it did and checks the
 * final balances against its own arithmetic.
 *
 * Each player's game is launched as an operator would (POST /operator/players/:id/launch). The simulator answers
 * the server's signed POST /game/url itself, on 127.0.0.1:4010 (--games-port), and then plays on the session the
 * server sent it there. A server started without FB_API_URL cannot launch: the simulator then says how to start
 * it, and opens each session with /sessions instead.
 *
 * With --aggregator hub88 it plays Hub88's contract instead, signing with an RSA key pair it generates and
 * registers as Hub88's public key.
 *
 * With --deposit each player is a BRL player with a CPF of their own, funded by a PIX deposit instead of a top-up:
 * the simulator makes the charge, plays the player paying its QR code through the sandbox provider (a server
 * started with PAYOUT_SANDBOX=1 pays it a second later), and waits until the deposit is credited.
 *
 *   npm run simulate                      # against http://localhost:3000 with the development token
 *   npm run simulate -- --aggregator hub88
 *   npm run simulate -- --deposit           # fund the players by PIX through the sandbox
 *   WALLET_URL=… OPERATOR_TOKEN=… npm run simulate -- --players 5 --rounds 50
 *   npm run simulate -- --help            # the options
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPairSync, randomBytes, randomInt, randomUUID, sign } from 'node:crypto';
import { hmacSignature, LAUNCH_PATH, signingText } from '../src/wallet';
import type { ApiClient, BalanceChange, Deposit, DepositWithHistory, Hub88Answer, Launch, OperatorApiClientCreate, OperatorDepositCreate, OperatorLaunch, OperatorPlayerCreate,
  OperatorSessionCreate, OperatorTopup, Player, Session, WalletAnswer, WalletBalance, WalletDeposit, WalletError, WalletRollback, WalletWithdraw } from './generated/api';

const baseUrl = (process.env.WALLET_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const signedBase = (process.env.WALLET_PUBLIC_URL ?? baseUrl).replace(/\/+$/, '');
const USAGE = `npm run simulate -- [options]

Plays signed rounds against WALLET_URL (default http://localhost:3000) as an aggregator would, launching each
player's game through the server, and checks every final balance. OPERATOR_TOKEN, or .data/operator-token.

  --players N          players to create and fund (default 3)
  --rounds N           rounds each plays (default 20)
  --aggregator NAME    fizzy-bubbly (default) or hub88
  --games-port PORT    where the simulated Games API answers the server's /game/url (default 4010)
  --keep-games         keep that Games API running after the rounds (Ctrl-C ends it), for npx wallet launch
  --deposit            fund BRL players by a PIX deposit paid through the sandbox (PAYOUT_SANDBOX=1), not a top-up
  --help               this text
`;

/** The command line, checked: an unknown option or a value that is not a positive number stops with the usage. */
function options() {
  const { values } = parseArgs({
    options: {
      players: { type: 'string', default: '3' }, rounds: { type: 'string', default: '20' }, aggregator: { type: 'string', default: 'fizzy-bubbly' },
      'games-port': { type: 'string', default: '4010' }, 'keep-games': { type: 'boolean', default: false }, deposit: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const count = (name: 'players' | 'rounds' | 'games-port') => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, not ${values[name]}\n\n${USAGE}`);
    return n;
  };
  if (values.aggregator !== 'fizzy-bubbly' && values.aggregator !== 'hub88') throw new Error(`--aggregator is fizzy-bubbly or hub88, not ${values.aggregator}`);
  return { help: values.help, players: count('players'), rounds: count('rounds'), aggregator: values.aggregator, gamesPort: count('games-port'), keepGames: values['keep-games'],
    deposit: values.deposit };
}

function operatorToken(): string {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const file = path.resolve(process.env.DATA_DIR ?? '.data', 'operator-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  throw new Error('set OPERATOR_TOKEN (or run from the folder where npm start keeps .data/operator-token)');
}

/** One operator call; its answer is typed by the API document (scripts/generated/api.ts). */
async function operatorCall<T>(method: string, route: string, body?: object): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}/operator${route}`, {
    method,
    headers: { Authorization: `Bearer ${operatorToken()}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function operator<T>(method: string, route: string, body?: object): Promise<T> {
  const res = await operatorCall<T>(method, route, body);
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

type Keys = { publicKey: string; privateKey: string };

/**
 * The aggregator's Games API, as far as a launch needs it: checks the server's signature with the aggregator's key
 * pair and answers a URL; remembers the session each launch named, which is the one the game then plays on.
 */
function startGamesApi(keys: Keys, port: number): Promise<{ sessionOf: Map<string, string>; close(): void }> {
  const sessionOf = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = hmacSignature(keys.privateKey, signingText('POST', `http://127.0.0.1:${port}${LAUNCH_PATH}`, raw));
      const answer = (status: number, body: object) => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.url !== LAUNCH_PATH) return answer(404, { code: 'ERROR_NOT_FOUND', description: 'no such route' });
      if (req.headers['public-key'] !== keys.publicKey || req.headers.signature !== expected) {
        return answer(401, { code: 'ERROR_INVALID_SIGNATURE', description: 'the simulator was given other keys than the server (FB_PUBLIC_KEY, FB_PRIVATE_KEY)' });
      }
      const launch = JSON.parse(raw.toString('utf8')) as { playerId: string; sessionId: string; gameId: string };
      sessionOf.set(launch.playerId, launch.sessionId);
      answer(200, { url: `http://127.0.0.1:${port}/play/${launch.gameId}?session=${launch.sessionId}` });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ sessionOf, close: () => server.close() }));
  });
}

/** Launches the player's game through the server and the simulated Games API, or opens a session when launching is off. */
async function openGame(playerId: string, games: { sessionOf: Map<string, string> }, gamesPort: number): Promise<string> {
  const launch: OperatorLaunch = { gameId: 'sim-slot', locale: 'en', platform: 'web', country: 'XX' };
  const launched = await operatorCall<Launch>('POST', `/players/${playerId}/launch`, launch);
  if (launched.status === 201) {
    const sent = games.sessionOf.get(playerId);
    if (!sent || sent !== launched.body.sessionId) throw new Error(`the launch answered session ${launched.body.sessionId}, the Games API was sent ${sent}`);
    console.log(`  ${playerId}: launched ${launched.body.url}`);
    return sent;
  }
  if (launched.status !== 503) throw new Error(`launch ${playerId}: ${launched.status} ${JSON.stringify(launched.body)}`);
  if (!launchOffSaid) {
    launchOffSaid = true;
    console.log(`  launching is off on this server, so sessions are opened directly. To go through the launch, start the server
    with FB_API_URL=http://127.0.0.1:${gamesPort} FB_BRAND_ID=simulator, and give it and the simulator the same
    FB_PUBLIC_KEY and FB_PRIVATE_KEY (docs/operator-api.md, "Launching a game")`);
  }
  const session: OperatorSessionCreate = { gameId: 'sim-slot' };
  return (await operator<Session>('POST', `/players/${playerId}/sessions`, session)).sessionId;
}
let launchOffSaid = false;

async function aggregatorKeys(): Promise<Keys> {
  if (process.env.FB_PUBLIC_KEY && process.env.FB_PRIVATE_KEY) {
    return { publicKey: process.env.FB_PUBLIC_KEY, privateKey: process.env.FB_PRIVATE_KEY };
  }
  const keys = { publicKey: `sim-${randomBytes(6).toString('hex')}`, privateKey: randomBytes(24).toString('hex') };
  const client: OperatorApiClientCreate = { name: 'simulator', scheme: 'hmac-sha256', ...keys };
  await operator<ApiClient>('POST', '/api-clients', client);
  return keys;
}

async function wallet(keys: Keys, route: string, body: WalletBalance | WalletWithdraw | WalletDeposit | WalletRollback) {
  const raw = JSON.stringify(body);
  const signature = hmacSignature(keys.privateKey, signingText('POST', `${signedBase}/wallet${route}`, Buffer.from(raw)));
  const res = await fetch(`${baseUrl}/wallet${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Public-Key': keys.publicKey, Signature: signature },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Partial<WalletAnswer> & Partial<WalletError> };
}

const cents = (major: number) => Math.round(major * 100);
const money = (c: number) => Number((c / 100).toFixed(2));

/** One aggregator's contract, as the simulator plays it; amounts in cents, balances as the contract answers them. */
interface Contract {
  openSession(playerId: string): Promise<string>;
  balance(playerId: string, sessionId: string): Promise<void>;
  bet(playerId: string, sessionId: string, round: string, tx: string, stake: number): Promise<{ accepted: boolean; balance: string; refusal?: string }>;
  win(playerId: string, sessionId: string, round: string, tx: string, betTx: string, amount: number): Promise<void>;
  rollback(playerId: string, sessionId: string, round: string, tx: string, betTx: string): Promise<void>;
}

/** Fizzy Bubbly: each player's game launched through the server (or a session opened), then /wallet/* signed. */
async function fizzyBubbly(gamesPort: number, currency: string): Promise<Contract & { close(): void }> {
  const keys = await aggregatorKeys();
  const games = await startGamesApi(keys, gamesPort);
  const base = (playerId: string, sessionId: string, gameRoundId: string) => ({ playerId, sessionId, currency, gameId: 'sim-slot', gameRoundId });
  return {
    close: () => games.close(),
    openSession: (playerId) => openGame(playerId, games, gamesPort),
    balance: async (playerId, sessionId) => void (await wallet(keys, '/balance', { playerId, sessionId, currency })),
    async bet(playerId, sessionId, round, tx, stake) {
      const placed = await wallet(keys, '/withdraw', { ...base(playerId, sessionId, round), transactionId: tx, amount: money(stake), cashAmount: money(stake), jackpotAmount: null, isGameRoundFinished: false });
      return { accepted: placed.status === 200, balance: String(placed.body.balance), refusal: placed.body.code };
    },
    win: async (playerId, sessionId, round, tx, betTx, amount) => void (await wallet(keys, '/deposit', {
      ...base(playerId, sessionId, round), transactionId: tx, withdrawTransactionId: betTx, amount: money(amount), cashAmount: money(amount), jackpotAmount: null, isGameRoundFinished: true })),
    rollback: async (playerId, sessionId, round, tx, betTx) => void (await wallet(keys, '/rollback', { ...base(playerId, sessionId, round), transactionId: tx, withdrawTransactionId: betTx })),
  };
}

/** Hub88: a key pair of its own, registered as Hub88's public key; /hub88/* signed with RSA-SHA256, amounts in 1/100000. */
async function hub88(currency: string): Promise<Contract & { close(): void }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const client: OperatorApiClientCreate = { name: `simulator-hub88-${randomBytes(3).toString('hex')}`, scheme: 'hub88-rsa-sha256', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  await operator<ApiClient>('POST', '/api-clients', client);
  const call = async (route: string, body: object): Promise<Hub88Answer> => {
    const raw = JSON.stringify({ request_uuid: randomUUID(), ...body });
    const res = await fetch(`${baseUrl}/hub88${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub88-Signature': sign('sha256', Buffer.from(raw), privateKey).toString('base64') },
      body: raw,
    });
    return (await res.json()) as Hub88Answer;
  };
  const wire = (c: number) => c * 1000;
  const base = (user: string, token: string, round: string) => ({ user, token, currency, game_code: 'sim-slot', round });
  return {
    close: () => undefined,
    openSession: async (playerId) => {
      const session: OperatorSessionCreate = { aggregator: 'hub88' };
      return (await operator<Session>('POST', `/players/${playerId}/sessions`, session)).sessionId;
    },
    balance: async (user, token) => void (await call('/user/balance', { user, token })),
    async bet(user, token, round, tx, stake) {
      const placed = await call('/transaction/bet', { ...base(user, token, round), transaction_uuid: tx, amount: wire(stake), round_closed: false, is_free: false });
      return { accepted: placed.status === 'RS_OK', balance: String(placed.balance), refusal: placed.status };
    },
    win: async (user, token, round, tx, betTx, amount) => void (await call('/transaction/win', {
      ...base(user, token, round), transaction_uuid: tx, reference_transaction_uuid: betTx, amount: wire(amount), round_closed: true })),
    rollback: async (user, token, round, tx, betTx) => void (await call('/transaction/rollback', { ...base(user, token, round), transaction_uuid: tx, reference_transaction_uuid: betTx })),
  };
}

/** A valid CPF of nobody's: eleven digits whose last two are the check digits of the first nine. */
function someCpf(): string {
  const digits = Array.from({ length: 9 }, () => randomInt(10));
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((total, d, i) => total + d * (length + 1 - i), 0);
    digits.push(sum % 11 < 2 ? 0 : 11 - (sum % 11));
  }
  return digits.join('');
}

/** Funds a player by PIX: makes the charge, pays its QR code through the sandbox, and waits until it is credited. */
async function fundByDeposit(playerId: string): Promise<void> {
  const request: OperatorDepositCreate = { amount: '100.00', provider: 'sandbox', transactionId: `${playerId}-pix` };
  const { status, body } = await operatorCall<Deposit & { error?: { code: string; message: string } }>('POST', `/players/${playerId}/deposits`, request);
  if (status !== 201) {
    throw new Error(`a deposit was refused: ${status} ${body.error?.code}: ${body.error?.message}${body.error?.code?.startsWith('PROVIDER_') ? '\nstart the server with PAYOUT_SANDBOX=1 to pay deposits through the sandbox' : ''}`);
  }
  console.log(`  ${playerId}: paying PIX charge ${body.depositId.slice(0, 8)} (copia-e-cola ${body.copyPaste?.slice(0, 24)}…)`);
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    const deposit = await operator<DepositWithHistory>('GET', `/deposits/${body.depositId}`);
    if (deposit.status === 'credited') return;
    if (!['created', 'pending'].includes(deposit.status)) throw new Error(`deposit ${deposit.depositId} ended ${deposit.status}${deposit.heldReason ? `: ${deposit.heldReason}` : ''}`);
  }
  throw new Error(`deposit ${body.depositId} was not credited within a minute: is the server's job queue running?`);
}

async function main() {
  const { help, players, rounds, aggregator, gamesPort, keepGames, deposit } = options();
  if (help) {
    process.stdout.write(USAGE);
    return;
  }
  const currency = deposit ? 'BRL' : 'EUR';
  const contract = aggregator === 'hub88' ? await hub88(currency) : await fizzyBubbly(gamesPort, currency);
  const run = Date.now().toString(36);
  const tally = { rounds: 0, bets: 0, wins: 0, zeroWins: 0, retries: 0, rollbacks: 0, refused: 0 };
  console.log(`simulating ${players} players × ${rounds} rounds of ${aggregator} against ${baseUrl}${deposit ? ', each funded by a PIX deposit' : ''}`);

  for (let p = 0; p < players; p += 1) {
    const playerId = `sim-${run}-${p}`;
    const player: OperatorPlayerCreate = { playerId, currency, ...(deposit ? { documentNumber: someCpf() } : {}) };
    await operator<Player>('POST', '/players', player);
    if (deposit) {
      await fundByDeposit(playerId);
    } else {
      const topUp: OperatorTopup = { amount: '100.00', transactionId: `${playerId}-deposit` };
      await operator<BalanceChange>('POST', `/players/${playerId}/topups`, topUp);
    }
    const sessionId = await contract.openSession(playerId);
    let expected = cents(100);

    for (let r = 0; r < rounds; r += 1) {
      const round = `${playerId}-r${r}`;
      const betTx = `${round}-bet`;
      await contract.balance(playerId, sessionId);
      const stake = randomInt(10, 500);
      const placed = await contract.bet(playerId, sessionId, round, betTx, stake);
      tally.rounds += 1;
      if (!placed.accepted) {
        tally.refused += 1;
        console.log(`  ${round}: bet ${money(stake)} refused (${placed.refusal})`);
        continue;
      }
      expected -= stake;
      tally.bets += 1;
      if (randomInt(10) === 0) {
        tally.retries += 1;
        const again = await contract.bet(playerId, sessionId, round, betTx, stake);
        if (again.balance !== placed.balance) throw new Error(`retry of ${betTx} answered differently`);
      }
      if (randomInt(10) === 0) {
        tally.rollbacks += 1;
        await contract.rollback(playerId, sessionId, round, `${round}-rb`, betTx);
        expected += stake;
        continue;
      }
      const win = randomInt(3) === 0 ? stake * randomInt(1, 6) : 0;
      if (win === 0) tally.zeroWins += 1;
      else tally.wins += 1;
      await contract.win(playerId, sessionId, round, `${round}-win`, betTx, win);
      expected += win;
    }
    const final = await operator<Player>('GET', `/players/${playerId}`);
    const ok = cents(Number(final.balance)) === expected;
    console.log(`${playerId}: balance ${final.balance} ${currency} (expected ${money(expected).toFixed(2)}) ${ok ? 'ok' : 'MISMATCH'}`);
    if (!ok) process.exitCode = 1;
  }
  console.log(JSON.stringify(tally));
  if (keepGames && aggregator === 'fizzy-bubbly') {
    console.log(`the simulated Games API keeps answering /game/url on 127.0.0.1:${gamesPort}: npx wallet launch <player> <game> works; Ctrl-C ends it`);
    return;
  }
  contract.close();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
