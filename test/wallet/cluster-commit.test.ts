import { MessageChannel, MessagePort } from 'node:worker_threads';
import { isDatabaseTimeout, OutcomeUnknown } from '../../src/db';
import { GroupCommit, primaryCommits, serveWalletCalls, walletService } from '../../src/wallet';
import { balanceOf } from '../support/app';
import { givenPlay, Play, walletSuite } from '../support/wallet';

const suite = walletSuite();
const open: MessagePort[] = [];
afterEach(() => open.splice(0).forEach((port) => port.close()));

/** A worker's end and the primary's end of one channel, as node:cluster gives them (a real message port, not a mock). */
function channel() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1);
  const sent = { worker: 0, primary: 0 };
  const endOf = (port: MessagePort, side: keyof typeof sent) => ({
    send: (message: unknown, callback: (error: Error | null) => void) => {
      sent[side] += 1;
      port.postMessage(message);
      callback(null);
    },
    on: (event: string, listener: (...args: never[]) => void) => port.on(event === 'disconnect' ? 'close' : event, listener as () => void),
  });
  return { worker: endOf(port1, 'worker'), primary: endOf(port2, 'primary'), sent, close: () => port2.close() };
}

const clientId = async (): Promise<number> => (await suite.t.db('api_clients').where({ enabled: true }).orderBy('id').first('id')).id;
const bet = (play: Play, transactionId: string, amount: bigint) => ({
  ...play, currency: play.currency ?? 'EUR', transactionId, gameId: 'slot-1', gameRoundId: `r-${transactionId}`,
  amount, cashAmount: amount, jackpotAmount: null, isGameRoundFinished: false,
});

describe("a cluster's one group commit (WALLET_GROUP_COMMIT=cluster)", () => {
  it("the calls of several workers share the primary's batches, and each worker gets its own calls' answers", async () => {
    const commits = new GroupCommit(suite.t.db, { slots: 1, maxCalls: 64 });
    const channels = [channel(), channel(), channel()];
    const workers = channels.map((c) => {
      serveWalletCalls(c.primary, commits);
      return walletService(suite.t.db, { slots: 1, maxCalls: 64, commits: primaryCommits(c.worker) });
    });
    const client = await clientId();
    const plays = await Promise.all(Array.from({ length: 9 }, (_x, i) => givenPlay(suite.t, `cc-${i}`, '10')));
    const answers = await Promise.all(plays.map((play, i) => workers[i % 3].withdraw(client, bet(play, `cc-${i}`, BigInt(100 * (i + 1))))));
    expect(answers.map((a) => [a.status, a.balance])).toEqual(plays.map((_p, i) => [200, 1000n - BigInt(100 * (i + 1))]));
    expect(await balanceOf(suite.t, 'cc-8')).toBe('1.00');
    // each worker handed its three calls over in one message, and had their answers back in one; the first
    // worker's three found the slot free and went as one batch, the six behind them, from two workers, as the next
    expect(channels.map((c) => c.sent)).toEqual([{ worker: 1, primary: 1 }, { worker: 1, primary: 1 }, { worker: 1, primary: 1 }]);
    expect(commits.stats).toEqual({ alone: 0, batches: 2, batchedCalls: 9, retriedAlone: 0 });
    expect(workers[0].commits.stats).toBeUndefined(); // the counts are the primary's, reported once on /metrics
  });

  it('a failure reaches the worker as what it was: "outcome unknown" stays unknown, a database timeout stays "nothing was changed"', async () => {
    const failing = (error: Error) => ({ submitTogether: (calls: unknown[]) => calls.map(() => Promise.reject(error)) }) as unknown as GroupCommit;
    const unknown = channel();
    serveWalletCalls(unknown.primary, failing(new OutcomeUnknown('the connection broke, and asking again failed too')));
    const timeout = channel();
    serveWalletCalls(timeout.primary, failing(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })));
    const call = { kind: 'balance' as const, client: 1, player: 'p', currency: 'EUR', session: 's' };
    const unknownFailure = await primaryCommits(unknown.worker).submit(call).catch((e: unknown) => e);
    expect(unknownFailure).toBeInstanceOf(OutcomeUnknown);
    const timeoutFailure = await primaryCommits(timeout.worker).submit(call).catch((e: unknown) => e);
    expect(isDatabaseTimeout(timeoutFailure)).toBe(true);
    expect(timeoutFailure).not.toBeInstanceOf(OutcomeUnknown);
  });

  it('calls that could not be handed over fail as "nothing was changed", every call of the message', async () => {
    const refusing = { send: (_m: unknown, callback: (error: Error | null) => void) => callback(new Error('channel closed')), on: () => undefined };
    const commits = primaryCommits(refusing);
    const call = { kind: 'balance' as const, client: 1, player: 'p', currency: 'EUR', session: 's' };
    const failures = await Promise.all([commits.submit(call), commits.submit(call)].map((p) => p.catch((e: unknown) => e)));
    for (const failure of failures) {
      expect((failure as Error).message).toMatch(/could not be handed to the primary/);
      expect(failure).not.toBeInstanceOf(OutcomeUnknown);
    }
  });

  it('a call in flight when the primary goes away is "outcome unknown", never "nothing was changed", and so is a call after it', async () => {
    const c = channel();
    const never = { submitTogether: (calls: unknown[]) => calls.map(() => new Promise(() => undefined)) } as unknown as GroupCommit;
    serveWalletCalls(c.primary, never);
    const commits = primaryCommits(c.worker);
    const call = { kind: 'balance' as const, client: 1, player: 'p', currency: 'EUR', session: 's' };
    const inFlight = commits.submit(call).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    c.close();
    expect(await inFlight).toBeInstanceOf(OutcomeUnknown);
    expect(await commits.submit(call).catch((e: unknown) => e)).toBeInstanceOf(OutcomeUnknown);
  });
});
