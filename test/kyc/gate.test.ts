import { balanceOf, expectSoundLedger, startTestApp, TestApp } from '../support/app';
import { FakeFizzyBubbly } from '../support/fakes/fizzy-bubbly';
import { FakeSumsub, SUMSUB_FAKE } from '../support/fakes/sumsub';
import { betBody, givenHub88, hub88Post, Hub88Signer, txUuid } from '../support/hub88';
import { PLAYER_CPF } from '../support/payouts';
import { asStaff, staffAccount } from '../support/staff';
import { depositBody, FB_PRIVATE_KEY, givenAggregator, PUBLIC_URL, rollbackBody, Signer, signedPost, uniqueId, withdrawBody } from '../support/wallet';

// KYC_REQUIRED=1 (docs/kyc.md): no one whose identity is not verified bets, is topped up, takes a deposit or is
// paid out; wins and rollbacks of bets already accepted always apply.
let t: TestApp;
let sumsub: FakeSumsub;
let fb: Signer;
let hub88: Hub88Signer;
let aggregator: FakeFizzyBubbly;
beforeAll(async () => {
  sumsub = await new FakeSumsub().start();
  aggregator = await new FakeFizzyBubbly('fb-public-key', FB_PRIVATE_KEY).start();
  t = await startTestApp({
    launch: aggregator.settings(),
    kyc: { baseUrl: sumsub.baseUrl, ...SUMSUB_FAKE, timeoutMs: 2_000 },
    kycRequired: true,
    walletPublicUrl: PUBLIC_URL,
    payouts: { providers: { sandbox: { baseUrl: 'sandbox:' } }, defaultProvider: 'sandbox', minAmount: '1.00', maxAmount: '5000.00' },
  });
  fb = await givenAggregator(t);
  hub88 = await givenHub88(t);
});
afterAll(async () => {
  await expectSoundLedger(t);
  await t.close();
  await sumsub.stop();
  await aggregator.stop();
});

const LAUNCH = { gameId: 'crash-1', locale: 'pt_br', platform: 'web', country: 'BR', ip: '203.0.113.7' };

let n = 0;
async function player(): Promise<string> {
  const playerId = `gate-${++n}`;
  await t.operator('post', '/players', { playerId, currency: 'BRL', firstName: 'Ana', lastName: 'Lima', birthDate: '1985-03-02', documentNumber: PLAYER_CPF }).expect(201);
  return playerId;
}

function review(playerId: string, answer: 'GREEN' | 'RED', rejectType?: 'RETRY' | 'FINAL') {
  const webhook = FakeSumsub.webhook('applicantReviewed', sumsub.complete(playerId, answer, rejectType));
  return t.http.post('/webhooks/sumsub').set(webhook.headers).send(webhook.raw).expect(200);
}

async function verified(balance = '100.00'): Promise<string> {
  const playerId = await player();
  await t.operator('post', `/players/${playerId}/kyc`).expect(200);
  await review(playerId, 'GREEN');
  await t.operator('post', `/players/${playerId}/topups`, { amount: balance, transactionId: `seed-${playerId}` }).expect(200);
  return playerId;
}

const session = async (playerId: string, aggregator: 'fizzy-bubbly' | 'hub88' = 'fizzy-bubbly') =>
  (await t.operator('post', `/players/${playerId}/sessions`, { aggregator }).expect(201)).body.sessionId as string;

const bet = (playerId: string, sessionId: string, round = uniqueId('round'), transactionId = uniqueId('bet')) =>
  signedPost(t, fb, '/wallet/withdraw', withdrawBody({ playerId, sessionId, currency: 'BRL' }, { transactionId, gameRoundId: round, amount: 10 }));

function expectKycRequired(res: { status: number; body: { error?: { code: string } } }) {
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 403, code: 'KYC_REQUIRED' });
}

describe('a verified player', () => {
  it('launches a game, opens a session, bets, wins, is topped up, takes a deposit and is paid out', async () => {
    const playerId = await verified();
    await t.operator('post', `/players/${playerId}/launch`, LAUNCH).expect(201);
    const sessionId = await session(playerId);
    const round = uniqueId('round');
    const betTx = uniqueId('bet');
    await bet(playerId, sessionId, round, betTx).expect(200);
    await signedPost(t, fb, '/wallet/deposit', depositBody({ playerId, sessionId, currency: 'BRL' }, { transactionId: uniqueId('win'), withdrawTransactionId: betTx, gameRoundId: round, amount: 5 })).expect(200);
    expect(await balanceOf(t, playerId)).toBe('95.00');
    await t.operator('post', `/players/${playerId}/topups`, { amount: '10.00', transactionId: uniqueId('topup') }).expect(200);
    await t.operator('post', `/players/${playerId}/deposits`, { amount: '10.00', transactionId: uniqueId('dep') }).expect(201);
    const payout = await t.operator('post', `/players/${playerId}/payouts`, { amount: '5.00', transactionId: uniqueId('payout'), pixKey: PLAYER_CPF, pixKeyType: 'cpf' });
    expect(payout.status).toBeLessThan(300);
  });
});

describe.each(['none', 'pending', 'retry_required', 'rejected', 'reverify_required'])('a player whose verification is %s', (state) => {
  /** A player in `state`: reached through the flow, funded while it was verified where the state comes after verification. */
  async function playerIn(): Promise<string> {
    if (state === 'reverify_required') {
      const playerId = await verified();
      await review(playerId, 'RED', 'RETRY');
      return playerId;
    }
    const playerId = await player();
    if (state === 'none') return playerId;
    await t.operator('post', `/players/${playerId}/kyc`).expect(200);
    if (state === 'retry_required') await review(playerId, 'RED', 'RETRY');
    if (state === 'rejected') await review(playerId, 'RED', 'FINAL');
    return playerId;
  }

  it('launches no game and opens no session, is neither topped up nor takes a deposit nor is paid out: 403 KYC_REQUIRED (KYC_REJECTED for a rejected player\'s payout elsewhere than their own CPF), nothing changed', async () => {
    const playerId = await playerIn();
    expect((await t.operator('get', `/players/${playerId}/kyc`)).body.kycStatus).toBe(state);
    const before = await balanceOf(t, playerId);
    expectKycRequired(await t.operator('post', `/players/${playerId}/launch`, LAUNCH));
    expectKycRequired(await t.operator('post', `/players/${playerId}/sessions`, {}));
    expectKycRequired(await t.operator('post', `/players/${playerId}/sessions`, { aggregator: 'hub88' }));
    expectKycRequired(await t.operator('post', `/players/${playerId}/topups`, { amount: '10.00', transactionId: uniqueId('topup') }));
    expectKycRequired(await t.operator('post', `/players/${playerId}/deposits`, { amount: '10.00', transactionId: uniqueId('dep') }));
    if (state === 'rejected') {
      const elsewhere = await t.operator('post', `/players/${playerId}/payouts`, { amount: '5.00', transactionId: uniqueId('payout'), pixKey: 'ana@example.com', pixKeyType: 'email' });
      expect({ status: elsewhere.status, code: elsewhere.body.error?.code }).toEqual({ status: 403, code: 'KYC_REJECTED' });
    } else {
      expectKycRequired(await t.operator('post', `/players/${playerId}/payouts`, { amount: '5.00', transactionId: uniqueId('payout'), pixKey: PLAYER_CPF, pixKeyType: 'cpf' }));
    }
    expect(await balanceOf(t, playerId)).toBe(before);
    expect(await t.db('sessions').join('players', 'players.id', 'sessions.player_id').where('players.external_id', playerId).count('* as n').first()).toEqual({ n: '0' });
  });
});

describe("a rejected player's remaining balance", () => {
  it('is paid only to their own CPF key and only once a second person approves, whatever the amount', async () => {
    const finance = await staffAccount(t, 'finance');
    const approver = await staffAccount(t, 'finance');
    const playerId = await verified('80.00');
    await review(playerId, 'RED', 'FINAL');
    const elsewhere = await asStaff(t, finance.token, 'post', `/players/${playerId}/payouts`, { amount: '80.00', transactionId: uniqueId('payout'), pixKey: '+5511987654321', pixKeyType: 'phone' });
    expect({ status: elsewhere.status, code: elsewhere.body.error?.code }).toEqual({ status: 403, code: 'KYC_REJECTED' });

    const asked = await asStaff(t, finance.token, 'post', `/players/${playerId}/payouts`, { amount: '80.00', transactionId: uniqueId('payout'), pixKey: PLAYER_CPF, pixKeyType: 'cpf' });
    expect({ status: asked.status, payoutStatus: asked.body.status }).toEqual({ status: 202, payoutStatus: 'pending_approval' });
    const approval = (await t.operator('get', '/approvals')).body.approvals.find((a: { payoutId: string }) => a.payoutId === asked.body.payoutId);
    expect(approval.heldBecause).toContain('rejected');
    expect(await balanceOf(t, playerId)).toBe('0.00'); // reserved
    const own = await asStaff(t, finance.token, 'post', `/approvals/${approval.approvalId}/approve`, {});
    expect(own.status).toBe(403);
    await asStaff(t, approver.token, 'post', `/approvals/${approval.approvalId}/approve`, { note: 'refund of a rejected account' }).expect(200);
    await t.app.locals.payoutEngine.send(asked.body.payoutId);
    expect((await t.operator('get', `/payouts/${asked.body.payoutId}`)).body.status).not.toMatch(/pending_approval|requested/);
  });
});

describe('bets after the verification lapses, mid-round', () => {
  let playerId: string;
  let sessionId: string;
  const round = uniqueId('round');
  const accepted = uniqueId('bet');
  const rolledBack = uniqueId('bet');
  beforeAll(async () => {
    playerId = await verified();
    sessionId = await session(playerId);
    await bet(playerId, sessionId, round, accepted).expect(200);
    await bet(playerId, sessionId, uniqueId('round'), rolledBack).expect(200);
    await review(playerId, 'RED', 'RETRY'); // a later review asks again: reverify_required
  });

  it('a new bet is refused with the contract\'s "player blocked" code, and nothing moves', async () => {
    const refused = await bet(playerId, sessionId, uniqueId('round'));
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED' });
    expect(refused.body.description).toBe("KYC_REQUIRED: the player's identity is not verified (reverify_required)");
    expect(await balanceOf(t, playerId)).toBe('80.00');
  });

  it('the win of a round accepted before is still credited, and a rollback still refunds', async () => {
    await signedPost(t, fb, '/wallet/deposit', depositBody({ playerId, sessionId, currency: 'BRL' }, { transactionId: uniqueId('win'), withdrawTransactionId: accepted, gameRoundId: round, amount: 30 })).expect(200);
    const bets = await t.db('wallet_transactions').where({ transaction_id: rolledBack }).first('game_round_id');
    await signedPost(t, fb, '/wallet/rollback', rollbackBody({ playerId, sessionId, currency: 'BRL' }, { transactionId: uniqueId('rb'), withdrawTransactionId: rolledBack, gameRoundId: bets.game_round_id })).expect(200);
    expect(await balanceOf(t, playerId)).toBe('120.00');
  });
});

describe("Hub88's contract", () => {
  it('a bet of a player who is no longer verified is RS_ERROR_USER_DISABLED with the balance; the win of an accepted bet is RS_OK', async () => {
    const playerId = await verified('50.00');
    const token = await session(playerId, 'hub88');
    const play = { user: playerId, token, currency: 'BRL' };
    const settled = txUuid('bet');
    const round = `round-${settled}`;
    expect((await hub88Post(t, hub88, '/transaction/bet', betBody(play, { tx: settled, amount: 1_000_000, round })).expect(200)).body.status).toBe('RS_OK');
    await review(playerId, 'RED', 'FINAL');
    const refused = await hub88Post(t, hub88, '/transaction/bet', betBody(play, { tx: txUuid('bet'), amount: 100_000 })).expect(200);
    expect(refused.body).toMatchObject({ status: 'RS_ERROR_USER_DISABLED', balance: 4_000_000 });
    const won = await hub88Post(t, hub88, '/transaction/win', { user: play.user, token: play.token, currency: 'BRL', transaction_uuid: txUuid('win'),
      game_code: 'clt_dragonrising', round, round_closed: true, amount: 500_000, reference_transaction_uuid: settled }).expect(200);
    expect(won.body).toMatchObject({ status: 'RS_OK', balance: 4_500_000 });
  });
});

describe('a suspension by a person', () => {
  it('holds sessions, bets, top-ups, deposits and payouts (KYC_SUSPENDED) while a win of an accepted bet is still credited; whoever suspended cannot lift it, a second person can', async () => {
    const support = await staffAccount(t, 'support');
    const finance = await staffAccount(t, 'finance');
    const playerId = await verified();
    const sessionId = await session(playerId);
    const round = uniqueId('round');
    const accepted = uniqueId('bet');
    await bet(playerId, sessionId, round, accepted).expect(200);

    const suspended = await asStaff(t, support.token, 'post', `/players/${playerId}/kyc/suspension`, { note: 'chargeback pattern, case 2291' });
    expect(suspended.body).toEqual({ playerId, kycStatus: 'suspended' });
    // a review from Sumsub does not lift it
    await review(playerId, 'GREEN');
    expect((await t.operator('get', `/players/${playerId}/kyc`)).body.kycStatus).toBe('suspended');
    const refused = await bet(playerId, sessionId);
    expect(refused.body).toMatchObject({ code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED', description: 'KYC_SUSPENDED: the player is suspended while an investigation runs' });
    for (const res of [
      await t.operator('post', `/players/${playerId}/sessions`, {}),
      await t.operator('post', `/players/${playerId}/topups`, { amount: '10.00', transactionId: uniqueId('topup') }),
      await t.operator('post', `/players/${playerId}/deposits`, { amount: '10.00', transactionId: uniqueId('dep') }),
      await t.operator('post', `/players/${playerId}/payouts`, { amount: '5.00', transactionId: uniqueId('payout'), pixKey: PLAYER_CPF, pixKeyType: 'cpf' }),
    ]) expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 403, code: 'KYC_SUSPENDED' });
    await signedPost(t, fb, '/wallet/deposit', depositBody({ playerId, sessionId, currency: 'BRL' }, { transactionId: uniqueId('win'), withdrawTransactionId: accepted, gameRoundId: round, amount: 25 })).expect(200);
    expect(await balanceOf(t, playerId)).toBe('115.00');

    const financeSuspends = await staffAccount(t, 'finance');
    const own = await asStaff(t, financeSuspends.token, 'post', `/players/${playerId}/kyc/suspension`, { note: 'again' });
    expect({ status: own.status, code: own.body.error.code }).toEqual({ status: 409, code: 'KYC_SUSPENDED' });
    const lifted = await asStaff(t, finance.token, 'post', `/players/${playerId}/kyc/suspension/lift`, { note: 'case 2291 closed: no fraud' });
    expect(lifted.body).toEqual({ playerId, kycStatus: 'verified' });
    await bet(playerId, sessionId).expect(200);
    const checks = (await t.operator('get', `/players/${playerId}/kyc`)).body.checks;
    expect(checks.slice(0, 3).map((c: { check: string; statusAfter: string }) => [c.check, c.statusAfter]))
      .toEqual([['suspension_lifted', 'verified'], ['review', 'suspended'], ['suspension', 'suspended']]);
  });

  it('a deposit charged before the suspension and paid after it is held, not credited', async () => {
    const support = await staffAccount(t, 'support');
    const playerId = await verified();
    const charge = await t.operator('post', `/players/${playerId}/deposits`, { amount: '20.00', transactionId: uniqueId('dep') }).expect(201);
    await asStaff(t, support.token, 'post', `/players/${playerId}/kyc/suspension`, { note: 'odd deposits' }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // the sandbox pays a charge a second after it is made
    await t.app.locals.depositEngine.check(charge.body.depositId);
    const deposit = (await t.operator('get', `/deposits/${charge.body.depositId}`)).body;
    expect({ status: deposit.status, heldReason: deposit.heldReason }).toEqual({ status: 'held', heldReason: expect.stringContaining('suspended') });
    expect(await balanceOf(t, playerId)).toBe('100.00');
  });

  it('a payout requested before the suspension is not sent while it lasts, stays reserved, and is sent once a second person lifts it', async () => {
    const support = await staffAccount(t, 'support');
    const finance = await staffAccount(t, 'finance');
    const playerId = await verified();
    const asked = await t.operator('post', `/players/${playerId}/payouts`, { amount: '30.00', transactionId: uniqueId('payout'), pixKey: PLAYER_CPF, pixKeyType: 'cpf' });
    expect(asked.body.status).toBe('requested');
    await asStaff(t, support.token, 'post', `/players/${playerId}/kyc/suspension`, { note: 'payout to investigate' }).expect(200);
    await t.app.locals.payoutEngine.send(asked.body.payoutId);
    await t.app.locals.payoutEngine.send(asked.body.payoutId);
    const held = (await t.operator('get', `/payouts/${asked.body.payoutId}`)).body;
    expect(held.status).toBe('requested');
    const notes = await t.db('payout_events').where({ payout_id: asked.body.payoutId }).whereRaw(`detail->>'heldBy' IS NOT NULL`);
    expect(notes).toHaveLength(1);
    expect(await balanceOf(t, playerId)).toBe('70.00'); // reserved, not given back
    await asStaff(t, finance.token, 'post', `/players/${playerId}/kyc/suspension/lift`, { note: 'cleared' }).expect(200);
    await t.app.locals.payoutEngine.send(asked.body.payoutId);
    expect((await t.operator('get', `/payouts/${asked.body.payoutId}`)).body.status).not.toBe('requested');
  });

  it('cannot be lifted by the person who set it: 409 KYC_SAME_PERSON, still suspended', async () => {
    const finance = await staffAccount(t, 'finance');
    const playerId = await verified();
    await asStaff(t, finance.token, 'post', `/players/${playerId}/kyc/suspension`, { note: 'odd deposits' }).expect(200);
    const own = await asStaff(t, finance.token, 'post', `/players/${playerId}/kyc/suspension/lift`, { note: 'my own' });
    expect({ status: own.status, code: own.body.error.code }).toEqual({ status: 409, code: 'KYC_SAME_PERSON' });
    expect((await t.operator('get', `/players/${playerId}/kyc`)).body.kycStatus).toBe('suspended');
    const support = await staffAccount(t, 'support');
    const notAllowed = await asStaff(t, support.token, 'post', `/players/${playerId}/kyc/suspension/lift`, { note: 'let me' });
    expect({ status: notAllowed.status, code: notAllowed.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('the SIGAP day file', () => {
  it('carries each change of verification as a status row, with SPA\'s code where one fits: verified 1, suspended 6', async () => {
    const support = await staffAccount(t, 'support');
    const playerId = await verified();
    await asStaff(t, support.token, 'post', `/players/${playerId}/kyc/suspension`, { note: 'chargeback pattern' }).expect(200);
    const csv = (await t.operator('get', `/reports/sigap?date=${new Date().toISOString().slice(0, 10)}`).expect(200)).text;
    const [header, ...lines] = csv.trim().split('\r\n');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header.split(',')[i], cell])));
    expect(rows.filter((r) => r.playerId === playerId && r.kind === 'kyc').map((r) => `${r.status} ${r.sigapStatus}`))
      .toEqual(['kyc_pending ', 'kyc_verified 1', 'kyc_suspended 6']);
  });
});
