import { movePayout, PayoutStatus } from '../../src/payouts';
import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';

const CPF = '43278243803';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    payouts: {
      providers: {
        jumppag: { baseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's', webhookSecret: 'w' },
        hashlee: { baseUrl: 'http://127.0.0.1:9', token: 't', unit: 'u', signature: 's' },
      },
      defaultProvider: 'jumppag',
      minAmount: '1.00',
      maxAmount: '5000.00',
    },
  });
});
afterAll(async () => {
  await expectSoundLedger(t);
  await t.close();
});

let n = 0;
async function givenBrlPlayer(balance = '1000.00', documentNumber: string | null = CPF): Promise<string> {
  const id = `pix-${++n}`;
  await givenPlayer(t, id, { currency: 'BRL', balance, documentNumber: documentNumber ?? undefined });
  return id;
}
const payout = (playerId: string, body: Record<string, unknown>) =>
  t.operator('post', `/players/${playerId}/payouts`, { amount: '100.00', pixKey: CPF, transactionId: `po-${++n}`, ...body });
const inFlight = async () => (await t.db('accounts').where({ kind: 'payout_in_flight', currency: 'BRL' }).first()).balance;

describe('POST /operator/players/:playerId/payouts', () => {
  it('reserves the amount in the same transaction that creates the payout, and answers 202 requested', async () => {
    const player = await givenBrlPlayer();
    const before = BigInt(await inFlight());
    const res = await payout(player, { amount: '250.50' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'requested', amount: '250.50', currency: 'BRL', provider: 'jumppag', pixKey: CPF, pixKeyType: 'cpf', overdue: false });
    expect(await balanceOf(t, player)).toBe('749.50');
    expect(BigInt(await inFlight()) - before).toBe(25050n);
  });

  it('a repeated request returns the first answer and reserves once; another body under the same id is a 409', async () => {
    const player = await givenBrlPlayer();
    const body = { amount: '10.00', pixKey: CPF, transactionId: 'po-same' };
    const first = await t.operator('post', `/players/${player}/payouts`, body);
    const again = await t.operator('post', `/players/${player}/payouts`, body);
    expect(again.status).toBe(202);
    expect(again.body.payoutId).toBe(first.body.payoutId);
    const other = await t.operator('post', `/players/${player}/payouts`, { ...body, amount: '11.00' });
    expect(other.status).toBe(409);
    expect(await balanceOf(t, player)).toBe('990.00');
  });

  it('insufficient funds: 400 INSUFFICIENT_FUNDS and no payout is created', async () => {
    const player = await givenBrlPlayer('50.00');
    const res = await payout(player, { amount: '50.01' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect(await t.db('payouts').where({ transaction_id: `po-${n}` })).toHaveLength(0);
    expect(await balanceOf(t, player)).toBe('50.00');
  });

  it.each([
    ['more than 2 decimals', { amount: '10.001' }, 'VALIDATION_ERROR', 'amount'],
    ['below the minimum', { amount: '0.99' }, 'VALIDATION_ERROR', 'amount'],
    ['above the maximum', { amount: '5000.01' }, 'VALIDATION_ERROR', 'amount'],
    ["a CPF key that is not the player's", { pixKey: '04303340790' }, 'PIX_KEY_NOT_OWNED', 'pixKey'],
    ['a CNPJ key', { pixKey: '44.038.188/0001-32' }, 'PIX_KEY_NOT_OWNED', 'pixKey'],
    ['a CPF with bad check digits', { pixKey: '43278243804' }, 'VALIDATION_ERROR', 'pixKey'],
    ['an ambiguous key', { pixKey: '11912345684' }, 'VALIDATION_ERROR', 'pixKey'],
    ['a bad e-mail key', { pixKey: 'a@b@c', pixKeyType: 'email' }, 'VALIDATION_ERROR', 'pixKey'],
    ['a phone without +55', { pixKey: '11987654321', pixKeyType: 'phone' }, 'VALIDATION_ERROR', 'pixKey'],
    ['an unconfigured provider', { provider: 'orkestra' }, 'PROVIDER_NOT_CONFIGURED', 'provider'],
    ['an unknown provider', { provider: 'acme' }, 'VALIDATION_ERROR', 'provider'],
  ])('%s: 400 %s on %s, and nothing moves', async (_name, change, code, field) => {
    const player = await givenBrlPlayer();
    const res = await payout(player, change);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, field });
    expect(await balanceOf(t, player)).toBe('1000.00');
  });

  it('an unconfigured provider is answered with the setting that turns it on', async () => {
    const player = await givenBrlPlayer();
    expect((await payout(player, { provider: 'sandbox' })).body.error.message).toBe('provider sandbox is not configured (start the server with PAYOUT_SANDBOX=1)');
    expect((await payout(player, { provider: 'orkestra' })).body.error.message).toBe('provider orkestra is not configured (set ORKESTRA_BASE_URL)');
  });

  it('e-mail, phone and random keys of the player are accepted', async () => {
    const player = await givenBrlPlayer();
    for (const [pixKey, type] of [['Player@Example.com', 'email'], ['+5511987654321', 'phone'], ['123e4567-e89b-12d3-a456-426655440000', 'evp']]) {
      const res = await payout(player, { pixKey, amount: '1.00' });
      expect(res.body.pixKeyType).toBe(type);
    }
  });

  it('needs a BRL player who is active and has a valid CPF', async () => {
    await givenPlayer(t, 'pix-eur', { currency: 'EUR', balance: '100' });
    expect((await payout('pix-eur', {})).body.error.code).toBe('PAYOUT_CURRENCY');
    const blocked = await givenBrlPlayer();
    await t.operator('patch', `/players/${blocked}`, { status: 'blocked' });
    expect((await payout(blocked, {})).body.error.code).toBe('PLAYER_BLOCKED');
    const noCpf = await givenBrlPlayer('100.00', null);
    expect((await payout(noCpf, {})).body.error.code).toBe('PLAYER_DOCUMENT_MISSING');
    expect((await payout('nobody', {})).status).toBe(404);
  });

  it('a retry of a payout that was taken gets its first answer, even after the player was blocked', async () => {
    const player = await givenBrlPlayer();
    const body = { amount: '20.00', pixKey: CPF, transactionId: 'po-then-blocked' };
    const first = await t.operator('post', `/players/${player}/payouts`, body).expect(202);
    await t.operator('patch', `/players/${player}`, { status: 'blocked' }).expect(200);
    const again = await t.operator('post', `/players/${player}/payouts`, body).expect(202);
    expect(again.body.payoutId).toBe(first.body.payoutId);
    expect(await balanceOf(t, player)).toBe('980.00');
  });
});

describe('payout states and the ledger', () => {
  async function requested(amount = '100.00') {
    const player = await givenBrlPlayer();
    const res = await payout(player, { amount });
    return { player, id: res.body.payoutId as string };
  }
  const move = (id: string, to: PayoutStatus, source = 'poll') => movePayout(t.db, id, { to, source, providerStatus: to });

  it('succeeded settles the reserve: the money leaves for good', async () => {
    const { player, id } = await requested();
    await move(id, 'submitted');
    await move(id, 'succeeded');
    expect(await balanceOf(t, player)).toBe('900.00');
    const settled = await t.db('transfers').where({ reference: id, kind: 'payout_settle' });
    expect(settled).toHaveLength(1);
    await expectSoundLedger(t);
  });

  it.each(['failed', 'cancelled'] as const)('%s returns the reserve to the player', async (ending) => {
    const { player, id } = await requested();
    await move(id, 'processing');
    await move(id, ending);
    expect(await balanceOf(t, player)).toBe('1000.00');
  });

  it('a payout returned by the bank after success is credited back', async () => {
    const { player, id } = await requested();
    await move(id, 'succeeded');
    await move(id, 'reversed');
    expect(await balanceOf(t, player)).toBe('1000.00');
    const { body } = await t.operator('get', `/payouts/${id}`);
    expect(body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'succeeded', 'reversed']);
  });

  it('a final state does not move again, except succeeded → reversed', async () => {
    const { id } = await requested();
    await move(id, 'failed');
    const again = await move(id, 'succeeded');
    expect(again).toMatchObject({ moved: false });
    expect((await move(id, 'processing')).moved).toBe(false);
  });

  it('a webhook and a poll reporting success at once settle it once', async () => {
    const { player, id } = await requested();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => move(id, 'succeeded', i % 2 ? 'webhook' : 'poll')));
    expect(results.filter((r) => r.moved)).toHaveLength(1);
    expect(await t.db('transfers').where({ reference: id, kind: 'payout_settle' })).toHaveLength(1);
    expect(await balanceOf(t, player)).toBe('900.00');
  });
});

describe('reading and cancelling payouts', () => {
  it('GET /operator/payouts/:id shows the payout with its history; an unknown id is a 404', async () => {
    const player = await givenBrlPlayer();
    const created = await payout(player, {});
    const res = await t.operator('get', `/payouts/${created.body.payoutId}`);
    expect(res.body).toMatchObject({ payoutId: created.body.payoutId, playerId: player, status: 'requested' });
    expect(res.body.history).toEqual([expect.objectContaining({ from: null, to: 'requested', source: 'operator' })]);
    expect((await t.operator('get', '/payouts/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await t.operator('get', '/payouts/not-a-uuid')).status).toBe(404);
  });

  it('a payout still open 120 minutes after its request is flagged overdue', async () => {
    const player = await givenBrlPlayer();
    const created = await payout(player, {});
    await t.db('payouts').where({ id: created.body.payoutId }).update({ requested_at: new Date(Date.now() - 121 * 60 * 1000) });
    expect((await t.operator('get', `/payouts/${created.body.payoutId}`)).body.overdue).toBe(true);
  });

  it('lists payouts newest first, filtered and paged', async () => {
    const player = await givenBrlPlayer();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await payout(player, { amount: '1.00' })).body.payoutId);
    await movePayout(t.db, ids[0], { to: 'failed', source: 'poll' });
    const page1 = await t.operator('get', `/payouts?playerId=${player}&limit=2`);
    expect(page1.body.payouts.map((p: { payoutId: string }) => p.payoutId)).toEqual([ids[2], ids[1]]);
    const page2 = await t.operator('get', `/payouts?playerId=${player}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.payouts.map((p: { payoutId: string }) => p.payoutId)).toEqual([ids[0]]);
    const failed = await t.operator('get', `/payouts?playerId=${player}&status=failed`);
    expect(failed.body.payouts).toHaveLength(1);
    expect((await t.operator('get', '/payouts?status=lost')).status).toBe(400);
    expect((await t.operator('get', '/payouts?from=yesterday')).status).toBe(400);
  });

  it('cancelling a payout not yet sent releases its reserve; once sent it is a 409', async () => {
    const player = await givenBrlPlayer();
    const first = await payout(player, {});
    const cancelled = await t.operator('post', `/payouts/${first.body.payoutId}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await balanceOf(t, player)).toBe('1000.00');
    const second = await payout(player, {});
    await movePayout(t.db, second.body.payoutId, { to: 'submitted', source: 'send' });
    const refused = await t.operator('post', `/payouts/${second.body.payoutId}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('PAYOUT_NOT_CANCELLABLE');
  });
});
