import { Knex } from 'knex';
import { movePayout, PayoutStatus } from '../../src/payouts';
import { startTestApp, TestApp } from './app';
import { depositBody, Play, PUBLIC_URL, rollbackBody, Signer, signedPost, withdrawBody } from './wallet';

/**
 * An app for building a history through the wallet and operator APIs. Payouts go to a Jumppag that is never
 * called: payoutIn walks them through their states itself.
 */
export function startHistoryApp(more: Partial<Parameters<typeof startTestApp>[0]> = {}): Promise<TestApp> {
  return startTestApp({
    ...more,
    walletPublicUrl: PUBLIC_URL,
    payouts: {
      providers: { jumppag: { baseUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret', webhookSecret: 'hook' } },
      defaultProvider: 'jumppag',
      minAmount: '1.00',
      maxAmount: '50000.00',
    },
  });
}

/** Moves every row written since `since` onto `day` at noon UTC, keeping their order and spacing. */
export async function moveToDay(db: Knex, since: Date, day: string): Promise<void> {
  const columns: [string, string[]][] = [
    ['wallet_transactions', ['created_at']],
    ['transfers', ['created_at']],
    ['rounds', ['opened_at', 'closed_at']],
    ['payouts', ['requested_at', 'finalized_at', 'updated_at']],
    ['payout_events', ['created_at']],
  ];
  for (const [table, times] of columns) {
    const set = times.map((c) => `${c} = ?::timestamptz + (${c} - ?::timestamptz)`).join(', ');
    await db.raw(`UPDATE ${table} SET ${set} WHERE ${times[0]} >= ?`, [...times.flatMap(() => [`${day}T12:00:00Z`, since]), since]);
  }
}

export interface Round {
  play: Play;
  round: string;
  bet: number;
  /** A win paid on the bet (closing the round), "rollback" to refund it, or nothing to leave the round open. */
  then?: number | 'rollback';
  /** The bet alone finishes the round. */
  finishedByBet?: boolean;
}

/** Plays one round through the signed wallet API, failing the test on any refusal. */
export async function playRound(t: TestApp, fb: Signer, r: Round): Promise<void> {
  const call = async (path: string, body: object) => {
    const res = await signedPost(t, fb, path, body);
    if (res.status !== 200) throw new Error(`${path} ${r.round}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const bet = `${r.round}-bet`;
  await call('/wallet/withdraw', withdrawBody(r.play, { transactionId: bet, gameRoundId: r.round, amount: r.bet, finished: r.finishedByBet }));
  if (r.then === 'rollback') {
    await call('/wallet/rollback', rollbackBody(r.play, { transactionId: `${r.round}-rb`, withdrawTransactionId: bet, gameRoundId: r.round }));
  } else if (r.then !== undefined) {
    await call('/wallet/deposit', depositBody(r.play, { transactionId: `${r.round}-win`, withdrawTransactionId: bet, gameRoundId: r.round, amount: r.then }));
  }
}

/** The states a payout below the approval threshold reaches, each by the moves the engine would make. */
type WalkedStatus = Exclude<PayoutStatus, 'pending_approval'>;
const PATHS: Record<WalkedStatus, PayoutStatus[]> = {
  requested: [],
  submitted: ['submitted'],
  processing: ['submitted', 'processing'],
  on_hold: ['submitted', 'on_hold'],
  unknown: ['unknown'],
  review: ['unknown', 'review'],
  succeeded: ['submitted', 'succeeded'],
  failed: ['submitted', 'failed'],
  cancelled: ['cancelled'],
  reversed: ['submitted', 'succeeded', 'reversed'],
};

/** Requests a payout through the operator API and walks it to `status` the way the engine would. */
export async function payoutIn(t: TestApp, playerId: string, pixKey: string, amount: string, status: WalkedStatus): Promise<string> {
  const res = await t.operator('post', `/players/${playerId}/payouts`, { amount, pixKey, transactionId: `po-${status}-${amount}` });
  if (res.status !== 202) throw new Error(`payout: ${res.status} ${JSON.stringify(res.body)}`);
  const id: string = res.body.payoutId;
  for (const to of PATHS[status]) {
    const moved = await movePayout(t.db, id, { to, source: 'test', providerReference: `ref-${amount}`, providerStatus: to.toUpperCase() });
    if (!moved.moved) throw new Error(`payout ${id} to ${to}: ${moved.reason}`);
  }
  return id;
}
