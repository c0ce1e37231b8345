import { Knex } from 'knex';
import { createDb } from '../../src/db';
import { checkLedger } from '../../src/ledger';
import { HaCluster, haClusterMissing } from '../support/ha-cluster';
import { Answer, Attempt, driveLoad, expectLoadInLedger, givenPlayers, ServerProcess, walletCall } from './support';

/**
 * npm run test:failover (#28): the wallet on deploy/ha/'s cluster (three PostgreSQL nodes under Patroni in strict
 * synchronous mode, etcd, HAProxy), its primary frozen and then killed under signed load, with the outage across a
 * minute boundary (when the job queue's cron runs). Nothing may be lost, doubled or answered falsely, and the same
 * process serves again on the new primary by itself.
 */
const missing = haClusterMissing();
if (missing) process.stdout.write(`failover test skipped: ${missing}\n`);
const describeWithCluster = missing ? describe.skip : describe;

/** WALLET_DEADLINE_MS's default (4 s) and a second for the load's own side. */
const ANSWER_BOUND_MS = 5000;

const secondsUntil = (second: number) => ((second - new Date().getSeconds() + 60) % 60 || 60) * 1000 - new Date().getMilliseconds();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const saysNothingChanged = (answer: Answer | undefined) => answer?.status === 500 && /nothing was changed/.test(answer.body.description ?? '');

describeWithCluster('a primary killed under load, with Patroni, etcd and HAProxy (deploy/ha)', () => {
  let cluster: HaCluster;
  let server: ServerProcess;
  let db: Knex;

  beforeAll(async () => {
    cluster = await HaCluster.start();
    server = await ServerProcess.start({
      DATABASE_URL: cluster.runtimeUrl,
      MIGRATION_DATABASE_URL: cluster.ownerUrl,
      REPORTS_DATABASE_URL: cluster.replicaUrl,
    });
    db = createDb(cluster.ownerUrl, { poolMax: 2, statementTimeoutMs: 10_000 });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await db?.destroy();
    await cluster?.stop();
  });

  it('loses no acknowledged bet, doubles none, answers nothing falsely or late, and serves again from the same process', async () => {
    const { players, sessions } = await givenPlayers(server.url, 16, 'failover', '100000.00');
    const attempts: Attempt[] = [];
    let stopLoad = false;
    // the load starts at :44; the primary freezes at :50 (commits in flight become uncertain) and dies at :53, so
    // that the outage, about a ttl long, spans the next minute's start
    await sleep(secondsUntil(44));
    const load = driveLoad({
      target: () => server.url, players, sessions, rounds: 100_000, startCents: 10_000_000n,
      stop: () => stopLoad, patienceMs: 90_000, observe: (attempt) => attempts.push(attempt),
    });
    await sleep(secondsUntil(50));
    const old = (await cluster.leader())!;
    const frozen = cluster.stall(old);
    await sleep(3000);
    cluster.kill(frozen);
    const killedAt = Date.now();
    const leader = await cluster.untilNewLeader(old);
    const newLeaderAfterMs = Date.now() - killedAt;
    const firstAcceptedAfterKill = () => attempts.find((a) => a.sentAt > killedAt && a.answer?.status === 200 && a.route === '/wallet/withdraw');
    for (let waited = 0; !firstAcceptedAfterKill() && waited < 60_000; waited += 250) await sleep(250);
    await sleep(8000); // some load on the new primary
    stopLoad = true;
    const report = await load;

    expect(server.alive).toBe(true);
    expect(firstAcceptedAfterKill()).toBeDefined();
    expect(new Date(killedAt).getMinutes()).not.toBe(new Date(firstAcceptedAfterKill()!.answeredAt).getMinutes());

    // nothing lost, nothing twice: each balance is what the answers say, each acknowledged movement in the ledger once
    await expectLoadInLedger(db, report);
    expect((await checkLedger(db)).problems).toEqual([]);

    // no false answer: "nothing was changed" only where the call's transaction began after that answer (a later retry)
    const deniedIds = attempts.filter((a) => saysNothingChanged(a.answer)).map((a) => a.body.transactionId!);
    const rows: { transaction_id: string; created_at: Date }[] = await db('wallet_transactions').whereIn('transaction_id', deniedIds).select('transaction_id', 'created_at');
    const beganAt = new Map(rows.map((r) => [r.transaction_id, r.created_at.getTime()]));
    const falseAnswers = attempts.filter((a) => saysNothingChanged(a.answer) && (beganAt.get(a.body.transactionId!) ?? Infinity) <= a.answeredAt);
    expect(falseAnswers.map((a) => `${a.body.transactionId}: ${a.answer!.body.code}`)).toEqual([]);

    // every answer within the aggregator's budget
    const slowest = Math.max(...attempts.filter((a) => a.answer).map((a) => a.answeredAt - a.sentAt));
    expect(slowest).toBeLessThan(ANSWER_BOUND_MS);

    // every call sent again gets its first final answer
    const finals = new Map<string, Attempt>();
    for (const a of attempts) if (a.answer && a.answer.status !== 500) finals.set(a.body.transactionId!, a);
    const mismatches: string[] = [];
    const queue = [...finals.values()];
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let a = queue.pop(); a; a = queue.pop()) {
        const again = await walletCall(server.url, a.route, a.body);
        const same = again?.status === a.answer!.status && again.body.balance === a.answer!.body.balance && again.body.code === a.answer!.body.code;
        if (!same) mismatches.push(`${a.body.transactionId}: ${JSON.stringify(a.answer)} then ${JSON.stringify(again)}`);
      }
    }));
    expect(mismatches).toEqual([]);

    const unknown = attempts.filter((a) => a.answer?.status === 500 && !saysNothingChanged(a.answer)).length;
    const unanswered = attempts.filter((a) => !a.answer).length;
    process.stdout.write(`\nfailover figures:\n  ${report.requests} calls, ${report.moved.length} movements, each once; ` +
      `primary ${old.name} frozen 3 s then killed at ${new Date(killedAt).toISOString().slice(11, 19)}; ${leader.name} led ${newLeaderAfterMs} ms later; ` +
      `${unknown} answered "outcome unknown", ${deniedIds.length} "nothing was changed" (0 false), ${unanswered} unanswered; ` +
      `slowest answer ${slowest} ms; ${finals.size} calls replayed with the same answers; the same process throughout\n`);
  }, 300_000);
});
