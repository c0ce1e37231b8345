/**
 * `npx wallet`: the operator's routine tasks without curl. Money commands go through the running server's
 * operator API (WALLET_URL, default http://localhost:3000; OPERATOR_TOKEN, or .data/operator-token), so every
 * rule and idempotency key applies; `migrate` and `ledger-check` work on the database itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { ApiError, dateRange } from '../src/http';
import { openToolDb } from '../src/db';
import { checkLedger, describeLedgerReport } from '../src/ledger';
import { createLogger } from '../src/log';
import { AuditCheckpoint, auditChainBreaks, auditHead, checkpointBreaks } from '../src/audit';
import { buildProviders, describeReconciliation, PayoutEngine } from '../src/payouts';
import { DepositEngine, describeDepositReconciliation, reconcileDeposits } from '../src/deposits';
import { NO_PROTECTION } from '../src/operator';
import { OnProgress } from '../src/progress';
import { ProgressBar, progressBar } from './progress-bar';
import type { Launch, OperatorLaunch, Staff as StaffAccount } from './generated/api';

/** Checkpoints as `audit checkpoint` writes them (one JSON object a line), or as the server's hourly log line carries them. */
function readCheckpoints(file: string): AuditCheckpoint[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim()).map((line) => {
    const parsed = JSON.parse(line) as AuditCheckpoint & { auditCheckpoint?: AuditCheckpoint };
    return parsed.auditCheckpoint ?? parsed;
  });
}

const baseUrl = () => (process.env.WALLET_URL ?? 'http://localhost:3000').replace(/\/+$/, '');

function operatorToken(): string {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const file = path.resolve(process.env.DATA_DIR ?? '.data', 'operator-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  throw new Error('set OPERATOR_TOKEN (or run where npm start keeps .data/operator-token)');
}

/** A launch as the API document types it; the server checks the values. */
function launchBody(gameId: string, o: { locale: string; platform: string; country: string; ip: string; lobby?: string }): OperatorLaunch {
  return { gameId, locale: o.locale as OperatorLaunch['locale'], platform: o.platform as OperatorLaunch['platform'], country: o.country as OperatorLaunch['country'], ip: o.ip, lobbyUrl: o.lobby };
}

/** Calls the operator API; prints the JSON answer (or what `show` picks of it), or the error and exit code 1. */
async function api<T = unknown>(method: string, route: string, body?: object, show?: (answer: T) => string): Promise<void> {
  const res = await fetch(`${baseUrl()}/operator${route}`, {
    method,
    headers: { Authorization: `Bearer ${operatorToken()}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    process.stderr.write(`${res.status} ${text}\n`);
    process.exitCode = 1;
    return;
  }
  if (show) process.stdout.write(`${show(JSON.parse(text))}\n`);
  else process.stdout.write(res.headers.get('content-type')?.startsWith('application/json') ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
}

/** Streams a report to stdout (CSV as it arrives), with a bar of rows received out of X-Row-Count on stderr. */
async function report(name: string, query: Record<string, string | undefined>, csv: boolean, progress: ProgressBar): Promise<void> {
  const params = new URLSearchParams(Object.entries({ ...query, format: csv ? 'csv' : undefined }).filter((e): e is [string, string] => e[1] !== undefined));
  const res = await fetch(`${baseUrl()}/operator/reports/${name}?${params}`, { headers: { Authorization: `Bearer ${operatorToken()}` } });
  if (!res.ok || !res.body) {
    process.stderr.write(`${res.status} ${await res.text()}\n`);
    process.exitCode = 1;
    return;
  }
  const total = Number(res.headers.get('x-row-count') ?? Number.NaN);
  // lines after the header; a quoted field holding a line break would count twice, hence the cap at the total
  let lines = -1;
  if (!csv) {
    process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`); // printed like every other command
    return;
  }
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    process.stdout.write(chunk);
    for (const byte of chunk) if (byte === 10) lines += 1;
    progress.onProgress({ phase: 'rows', done: Number.isNaN(total) ? lines : Math.min(lines, total), total: Number.isNaN(total) ? null : total });
  }
  progress.stop();
}

/** Runs `work` on the migrated database (see openToolDb); its result is the exit code. */
async function withDatabase(work: (tool: Awaited<ReturnType<typeof openToolDb>>) => Promise<number>, onMigrationProgress?: OnProgress): Promise<void> {
  const { close, ...tool } = await openToolDb(loadConfig(), createLogger('warn'), onMigrationProgress);
  try {
    process.exitCode = await work({ ...tool, close });
  } finally {
    await close();
  }
}

export function buildProgram(): Command {
  const program = new Command('wallet').description('Operate the seamless wallet from the command line').showHelpAfterError()
    .option('--progress', 'draw progress bars on stderr even when it is not a terminal (a line a second)');
  const bar = (title: string) => progressBar(title, program.opts().progress === true);
  const id = (given: string | undefined) => given ?? randomUUID();

  const player = program.command('player').description('players');
  player.command('create <playerId> <currency>').option('--first-name <name>').option('--last-name <name>').option('--document <cpf>')
    .option('--birth-date <YYYY-MM-DD>', 'for the age check of identity verification')
    .description('create a player (idempotent)')
    .action((playerId: string, currency: string, o: { firstName?: string; lastName?: string; document?: string; birthDate?: string }) =>
      api('POST', '/players', { playerId, currency, firstName: o.firstName, lastName: o.lastName, documentNumber: o.document, birthDate: o.birthDate }));
  player.command('show <playerId>').description('balance, status and limits').action((playerId: string) => api('GET', `/players/${encodeURIComponent(playerId)}`));
  player.command('block <playerId>').action((playerId: string) => api('PATCH', `/players/${encodeURIComponent(playerId)}`, { status: 'blocked' }));
  player.command('unblock <playerId>').action((playerId: string) => api('PATCH', `/players/${encodeURIComponent(playerId)}`, { status: 'active' }));
  player.command('limit <playerId> <kind> <amount>').description('kind: betMax, loss24h, loss7d or loss30d; amount "none" removes it')
    .action((playerId: string, kind: string, amount: string) => api('PATCH', `/players/${encodeURIComponent(playerId)}`, { limits: { [kind]: amount === 'none' ? null : amount } }));

  program.command('session <playerId>').option('--game <gameId>').option('--ttl <seconds>', 'lifetime in seconds', Number)
    .description('open a game session').action((playerId: string, o: { game?: string; ttl?: number }) =>
      api('POST', `/players/${encodeURIComponent(playerId)}/sessions`, { gameId: o.game, ttlSeconds: o.ttl }));
  program.command('launch <playerId> <gameId>').description("launch a game through the aggregator: opens a session and prints the game's URL")
    .option('--locale <locale>', "one of the aggregator's locales", 'pt_br').option('--platform <platform>', 'web or mobile', 'web')
    .option('--country <code>', 'ISO 3166-1 alpha-2, or XX', 'BR').option('--ip <address>', "the player's IP address", '127.0.0.1').option('--lobby <url>', 'where the game returns to')
    .action((playerId: string, gameId: string, o: { locale: string; platform: string; country: string; ip: string; lobby?: string }) =>
      api<Launch>('POST', `/players/${encodeURIComponent(playerId)}/launch`, launchBody(gameId, o), (answer) => answer.url));
  program.command('topup <playerId> <amount>').option('--id <transactionId>', 'idempotency key (a new one when absent)')
    .description('top a player up').action((playerId: string, amount: string, o: { id?: string }) =>
      api('POST', `/players/${encodeURIComponent(playerId)}/topups`, { amount, transactionId: id(o.id) }));
  program.command('client <name> <publicKey> [privateKey]').option('--ed25519', 'the key is an ed25519 public key (no secret)')
    .description('register an aggregator api-client').action((name: string, publicKey: string, privateKey: string | undefined, o: { ed25519?: boolean }) =>
      api('POST', '/api-clients', { name, scheme: o.ed25519 ? 'ed25519' : 'hmac-sha256', publicKey, privateKey }));

  const staff = program.command('staff').description('staff accounts and their roles (viewer, support, finance, admin)');
  staff.command('add <email> <role>').option('--name <displayName>', 'the name shown in the console and the audit trail')
    .description('create an account; its password is STAFF_PASSWORD, or one generated and printed this once')
    .action((email: string, role: string, o: { name?: string }) => {
      const generated = process.env.STAFF_PASSWORD ? undefined : randomBytes(15).toString('base64url');
      return api<StaffAccount>('POST', '/staff', { email, role, displayName: o.name ?? email, password: process.env.STAFF_PASSWORD ?? generated },
        (account) => `${JSON.stringify(account, null, 2)}${generated ? `\npassword (shown once): ${generated}` : ''}`);
    });
  staff.command('list').description('every account, disabled ones included').action(() => api('GET', '/staff'));
  staff.command('disable <staffId>').description('disable an account: its sessions and tokens stop at once')
    .action((staffId: string) => api('PATCH', `/staff/${encodeURIComponent(staffId)}`, { status: 'disabled' }));

  const payout = program.command('payout').description('PIX payouts');
  payout.command('request <playerId> <amount> [pixKey]').option('--provider <name>').option('--id <transactionId>')
    .description("pay out to a PIX key (none for Hashlee: it pays the player's registered account)")
    .action((playerId: string, amount: string, pixKey: string | undefined, o: { provider?: string; id?: string }) =>
      api('POST', `/players/${encodeURIComponent(playerId)}/payouts`, { amount, pixKey, provider: o.provider, transactionId: id(o.id) }));
  payout.command('show <payoutId>').action((payoutId: string) => api('GET', `/payouts/${encodeURIComponent(payoutId)}`));
  payout.command('review <payoutId> <decision> <note>').description('decide a payout in review: resend or fail, with what the provider said')
    .action((payoutId: string, decision: string, note: string) => api('POST', `/payouts/${encodeURIComponent(payoutId)}/review`, { decision, note }));

  const kyc = program.command('kyc').description('identity verification (docs/kyc.md)');
  const kycOf = (playerId: string, rest = '') => `/players/${encodeURIComponent(playerId)}/kyc${rest}`;
  kyc.command('start <playerId>').description("start or resume it at Sumsub: prints the state and the SDK token for the casino's site")
    .action((playerId: string) => api('POST', kycOf(playerId)));
  kyc.command('show <playerId>').description('the state and every check kept as evidence').action((playerId: string) => api('GET', kycOf(playerId)));
  kyc.command('suspend <playerId> <note>').description('hold the player while fraud is investigated')
    .action((playerId: string, note: string) => api('POST', kycOf(playerId, '/suspension'), { note }));
  kyc.command('lift <playerId> <note>').description("lift a suspension (a second person's)")
    .action((playerId: string, note: string) => api('POST', kycOf(playerId, '/suspension/lift'), { note }));

  const deposit = program.command('deposit').description('PIX deposits from the player\'s own account');
  deposit.command('create <playerId> <amount>').option('--provider <name>').option('--id <transactionId>')
    .description('make a PIX charge: prints its QR code (BR Code) and copia-e-cola')
    .action((playerId: string, amount: string, o: { provider?: string; id?: string }) =>
      api('POST', `/players/${encodeURIComponent(playerId)}/deposits`, { amount, provider: o.provider, transactionId: id(o.id) }));
  deposit.command('show <depositId>').description('a deposit with its history').action((depositId: string) => api('GET', `/deposits/${encodeURIComponent(depositId)}`));
  deposit.command('list').option('--player <playerId>').option('--status <state>', 'e.g. held').description('deposits, newest first')
    .action((o: { player?: string; status?: string }) => api('GET', `/deposits?${new URLSearchParams({ ...(o.player ? { playerId: o.player } : {}), ...(o.status ? { status: o.status } : {}) })}`));
  deposit.command('return <depositId> <note>').description("record a held deposit's return made in the provider's back office; a second person approves it")
    .action((depositId: string, note: string) => api('POST', `/deposits/${encodeURIComponent(depositId)}/return`, { note }));

  const account = program.command('payout-account').description("players' accounts at providers that pay a registered account (Hashlee)");
  const accounts = (playerId: string) => `/players/${encodeURIComponent(playerId)}/payout-accounts`;
  account.command('add <playerId> <provider> <accountId> <holderDocument>').option('--pix-key <key>').option('--pix-key-type <type>')
    .description("register the player's own account (the holder document must be the player's CPF)")
    .action((playerId: string, provider: string, accountId: string, holderDocument: string, o: { pixKey?: string; pixKeyType?: string }) =>
      api('POST', accounts(playerId), { provider, accountId, holderDocument, pixKey: o.pixKey, pixKeyType: o.pixKeyType }));
  account.command('list <playerId>').description('the accounts, retired ones included').action((playerId: string) => api('GET', accounts(playerId)));
  account.command('retire <playerId> <payoutAccountId>').description('retire an account: never paid or registered again')
    .action((playerId: string, payoutAccountId: string) => api('DELETE', `${accounts(playerId)}/${encodeURIComponent(payoutAccountId)}`));

  const reports = program.command('report').description('finance reports (JSON, or --csv streamed); `npx wallet report <name> --help` lists the filters');
  const FILTERS: Record<string, string> = {
    from: 'ISO 8601 date or date-time, inclusive (UTC)',
    to: 'ISO 8601 date or date-time, exclusive (UTC)',
    player: 'a playerId',
    game: 'a gameId',
    status: 'open or closed (rounds); a payout state (payouts)',
    olderThan: 'ISO 8601 duration, e.g. PT2H',
    groupBy: 'day, game, player or currency',
    provider: 'a payout provider',
  };
  /** The CLI's short names for the API's query parameters. */
  const QUERY_NAMES: Record<string, string> = { player: 'playerId', game: 'gameId' };
  for (const [name, options] of [
    ['rounds', ['from', 'to', 'player', 'game', 'status']],
    ['open-rounds', ['olderThan']],
    ['summary', ['from', 'to', 'groupBy']],
    ['payouts', ['from', 'to', 'provider', 'status']],
  ] as const) {
    const command = reports.command(name).option('--csv', 'stream CSV');
    for (const option of options) command.option(`--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <value>`, FILTERS[option]);
    command.action((o: Record<string, string | boolean | undefined>) => {
      const { csv, ...filters } = o;
      const query = Object.fromEntries(Object.entries(filters).map(([k, v]) => [QUERY_NAMES[k] ?? k, v]));
      return report(name, query as Record<string, string | undefined>, csv === true, bar(`${name}.csv`));
    });
  }

  program.command('sigap').description("Brazil's regulator").command('export').description("one reference day's movements and status changes, as CSV on stdout")
    .requiredOption('--date <day>', 'the reference day, YYYY-MM-DD')
    .action((o: { date: string }) => report('sigap', { date: o.date }, true, bar(`sigap-${o.date}.csv`)));

  const audit = program.command('audit').description('the audit trail');
  audit.command('verify').option('--checkpoint <file>', 'also hold the trail against the checkpoints in this file (audit checkpoint wrote them)')
    .description('prove no audit row was edited or removed (exit 1 when one was); with --checkpoint, even by a database superuser')
    .action((o: { checkpoint?: string }) => withDatabase(async ({ db }) => {
      const breaks = (await auditChainBreaks(db)).map((b) => `row ${b.id}: ${b.reason}`);
      const checkpoints = o.checkpoint ? readCheckpoints(o.checkpoint) : [];
      for (const checkpoint of checkpoints) breaks.push(...(await checkpointBreaks(db, checkpoint)));
      const [{ n }] = (await db.raw<{ rows: { n: number }[] }>('SELECT count(*)::int AS n FROM audit_log')).rows;
      const against = o.checkpoint ? `, and matches ${checkpoints.length} checkpoint(s)` : '';
      process.stdout.write(breaks.length === 0 ? `audit trail sound: ${n} rows, each chained to the one before${against}\n`
        : `audit trail BROKEN:\n${breaks.map((b) => `  ${b}`).join('\n')}\n`);
      return breaks.length === 0 ? 0 : 1;
    }));
  audit.command('checkpoint').option('--file <file>', 'where to append it', path.resolve(process.env.DATA_DIR ?? '.data', 'audit-checkpoints.jsonl'))
    .description("append the chain's head (row id, hash, row count) to a file the server's database role cannot write, and print it")
    .action((o: { file: string }) => withDatabase(async ({ db }) => {
      const head = await auditHead(db);
      if (!head) {
        process.stdout.write('the audit trail is empty: nothing to checkpoint\n');
        return 0;
      }
      fs.appendFileSync(o.file, `${JSON.stringify(head)}\n`, { mode: 0o600 });
      process.stdout.write(`${JSON.stringify(head)}\n`);
      return 0;
    }));
  program.command('ledger-check').description('prove the ledger adds up (exit 1 when not)').action(() =>
    withDatabase(async ({ db }) => {
      const progress = bar('ledger-check');
      const result = await checkLedger(db, { timeoutMs: loadConfig().reportTimeoutMs, onProgress: progress.onProgress });
      progress.stop();
      process.stdout.write(describeLedgerReport(result));
      return result.sound ? 0 : 1;
    }));
  program.command('reconcile').requiredOption('--provider <name>').requiredOption('--from <date>').requiredOption('--to <date>')
    .option('--deposits', "compare our deposits with each charge's state at the provider, not our payouts")
    .description("compare our payouts (or deposits) with the provider's records (exit 1 on a mismatch)")
    .action((o: { provider: string; from: string; to: string; deposits?: boolean }) => {
      let range: { from: Date; to: Date };
      try {
        range = dateRange({ from: o.from, to: o.to }, true); // the API's own strict reading: real dates, UTC without an offset
      } catch (error) {
        throw new Error(`--${(error as ApiError).field ?? 'from'}: ${(error as Error).message}`);
      }
      return withDatabase(async ({ db }) => {
        const config = loadConfig();
        const logger = createLogger('warn');
        const progress = bar('reconcile');
        const providers = buildProviders(config.payouts);
        if (o.deposits) {
          const deposits = await reconcileDeposits(db, new DepositEngine(db, providers, NO_PROTECTION, logger), o.provider, range, progress.onProgress);
          progress.stop();
          process.stdout.write(describeDepositReconciliation(deposits));
          return deposits.mismatches.length === 0 ? 0 : 1;
        }
        const result = await new PayoutEngine(db, providers, config.payouts, logger).reconcile(o.provider, range, progress.onProgress);
        progress.stop();
        process.stdout.write(describeReconciliation(result));
        return result.mismatches.length === 0 ? 0 : 1;
      });
    });
  program.command('migrate').description('apply pending migrations').action(() => {
    const progress = bar('migrate');
    return withDatabase(async ({ applied }) => {
      progress.stop();
      process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'nothing to apply\n');
      return 0;
    }, progress.onProgress);
  });
  return program;
}

if (require.main === module) {
  buildProgram().parseAsync(process.argv).catch((error: unknown) => {
    process.stderr.write(`wallet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
