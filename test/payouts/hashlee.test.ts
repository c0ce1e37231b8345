import { balanceOf, givenPlayer } from '../support/app';
import { hashleeAccountOf, hashleePayoutSuite, PLAYER_CPF } from '../support/payouts';
import { buildProviders } from '../../src/payouts';

const accountOf = hashleeAccountOf;
const s = hashleePayoutSuite();

let n = 0;
async function givenHashleePlayer(documentNumber = PLAYER_CPF): Promise<string> {
  const playerId = `hl-player-${++n}`;
  await givenPlayer(s.t, playerId, { currency: 'BRL', balance: '1000.00', documentNumber });
  return playerId;
}
const register = (playerId: string, body: Record<string, unknown>) =>
  s.t.operator('post', `/players/${playerId}/payout-accounts`, { provider: 'hashlee', accountId: accountOf(playerId), holderDocument: PLAYER_CPF, ...body });
const payout = (playerId: string, body: Record<string, unknown> = {}) =>
  s.t.operator('post', `/players/${playerId}/payouts`, { amount: '100.00', transactionId: `hl-po-${++n}`, ...body });
const auditOf = (action: string) => s.t.db('audit_log').where({ action }).orderBy('id', 'desc').first();

describe('POST /operator/players/:playerId/payout-accounts', () => {
  it('registers the account in the player\'s own name: 201, the same again 200, listed, audited', async () => {
    const playerId = await givenHashleePlayer();
    const first = await register(playerId, { holderDocument: '432.782.438-03', pixKey: PLAYER_CPF });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ playerId, provider: 'hashlee', accountId: accountOf(playerId), holderDocument: PLAYER_CPF, pixKey: PLAYER_CPF, pixKeyType: 'cpf', status: 'active', retiredAt: null });
    const again = await register(playerId, { pixKey: PLAYER_CPF });
    expect(again.status).toBe(200);
    expect(again.body.payoutAccountId).toBe(first.body.payoutAccountId);
    const listed = await s.t.operator('get', `/players/${playerId}/payout-accounts`);
    expect(listed.body.payoutAccounts).toEqual([first.body]);
    expect((await auditOf('payout_account.register')).details).toMatchObject({ payoutAccountId: first.body.payoutAccountId, provider: 'hashlee', accountId: accountOf(playerId) });
  });

  it("a holder document that is not the player's CPF is 400 PAYOUT_ACCOUNT_NOT_OWN, and nothing is registered", async () => {
    const playerId = await givenHashleePlayer();
    const res = await register(playerId, { holderDocument: '043.033.407-90' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'PAYOUT_ACCOUNT_NOT_OWN', field: 'holderDocument' });
    expect((await s.t.operator('get', `/players/${playerId}/payout-accounts`)).body.payoutAccounts).toEqual([]);
  });

  it("another player's account id is 409 PAYOUT_ACCOUNT_CONFLICT, also when both register at once", async () => {
    const [owner, other] = [await givenHashleePlayer(), await givenHashleePlayer()];
    const answers = await Promise.all([owner, other].map((playerId) => register(playerId, { accountId: 'shared-account' })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('PAYOUT_ACCOUNT_CONFLICT');
    expect(await s.t.db('payout_accounts').where({ account_id: 'shared-account' })).toHaveLength(1);
  });

  it('a second active account at the same provider, or the same account with other details, is a 409', async () => {
    const playerId = await givenHashleePlayer();
    expect((await register(playerId, {})).status).toBe(201);
    expect((await register(playerId, { accountId: 'second' })).body.error.code).toBe('PAYOUT_ACCOUNT_CONFLICT');
    expect((await register(playerId, { pixKey: 'ana@example.com' })).body.error.code).toBe('PAYOUT_ACCOUNT_CONFLICT');
  });

  it.each([
    ['a provider that pays PIX keys', { provider: 'jumppag' }, 'VALIDATION_ERROR', 'provider'],
    ['an unknown provider', { provider: 'acme' }, 'VALIDATION_ERROR', 'provider'],
    ["a CPF PIX key that is not the player's", { pixKey: '04303340790' }, 'PIX_KEY_NOT_OWNED', 'pixKey'],
    ['no account id', { accountId: '' }, 'VALIDATION_ERROR', 'accountId'],
  ])('%s: 400 %s on %s', async (_name, change, code, field) => {
    const playerId = await givenHashleePlayer();
    const res = await register(playerId, change);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, field });
    expect(await s.t.db('payout_accounts').where({ account_id: accountOf(playerId) })).toHaveLength(0);
  });

  it('a player without a valid CPF cannot register one; an unknown player is a 404', async () => {
    const playerId = await givenHashleePlayer('123');
    expect((await register(playerId, {})).body.error.code).toBe('PLAYER_DOCUMENT_MISSING');
    expect((await register('nobody', {})).status).toBe(404);
  });
});

describe('DELETE /operator/players/:playerId/payout-accounts/:payoutAccountId', () => {
  it('retires the account: kept and listed as retired, audited, never registered again', async () => {
    const playerId = await givenHashleePlayer();
    const { body: account } = await register(playerId, {});
    const retired = await s.t.operator('delete', `/players/${playerId}/payout-accounts/${account.payoutAccountId}`);
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', retiredAt: expect.any(String) });
    expect((await s.t.operator('delete', `/players/${playerId}/payout-accounts/${account.payoutAccountId}`)).body.status).toBe('retired');
    expect((await s.t.operator('get', `/players/${playerId}/payout-accounts`)).body.payoutAccounts).toEqual([retired.body]);
    expect((await auditOf('payout_account.retire')).details).toMatchObject({ payoutAccountId: account.payoutAccountId });
    const reused = await register(playerId, {});
    expect(reused.status).toBe(409);
    expect(reused.body.error.message).toContain('retired');
  });

  it("an id that is not one of the player's accounts is a 404", async () => {
    const [owner, other] = [await givenHashleePlayer(), await givenHashleePlayer()];
    const { body: account } = await register(owner, {});
    expect((await s.t.operator('delete', `/players/${other}/payout-accounts/${account.payoutAccountId}`)).body.error.code).toBe('PAYOUT_ACCOUNT_NOT_FOUND');
    expect((await s.t.operator('delete', `/players/${owner}/payout-accounts/not-an-id`)).status).toBe(404);
  });
});

describe("Hashlee pays only the player's own registered account", () => {
  it("the create carries the player's registered account id, the net amount and our id, and no shared account", async () => {
    const { playerId, id } = await s.payoutFor('100.00');
    await s.until(id, 'submitted');
    expect(s.fake.createCalls.filter((c) => c.description === id)).toEqual([
      { gateway_unit_account_id: accountOf(playerId), currency: 'BRL', net_amount: '100.00', description: id },
    ]);
    const { body } = await s.t.operator('get', `/payouts/${id}`);
    expect(body).toMatchObject({ payoutAccountId: expect.any(String), beneficiaryDocument: PLAYER_CPF });
  });

  it('two players paid out at the same time each reach their own account', async () => {
    const [a, b] = await Promise.all([s.payoutFor('10.00'), s.payoutFor('20.00')]);
    await Promise.all([s.until(a.id, 'submitted'), s.until(b.id, 'submitted')]);
    const accountPaid = (id: string) => s.fake.createCalls.filter((c) => c.description === id).map((c) => c.gateway_unit_account_id);
    expect(accountPaid(a.id)).toEqual([accountOf(a.playerId)]);
    expect(accountPaid(b.id)).toEqual([accountOf(b.playerId)]);
  });

  it('a player with no registered account is refused before any money moves: 400 PAYOUT_ACCOUNT_MISSING naming the provider', async () => {
    const playerId = await givenHashleePlayer();
    const res = await payout(playerId);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'PAYOUT_ACCOUNT_MISSING', field: 'provider' });
    expect(res.body.error.message).toContain('hashlee');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
    expect(await s.t.db('payouts').whereIn('player_id', s.t.db('players').select('id').where({ external_id: playerId }))).toHaveLength(0);
  });

  it('a retired account is never paid: 400 PAYOUT_ACCOUNT_MISSING, and nothing moves', async () => {
    const playerId = await givenHashleePlayer();
    const { body: account } = await register(playerId, {});
    await s.t.operator('delete', `/players/${playerId}/payout-accounts/${account.payoutAccountId}`).expect(200);
    const res = await payout(playerId);
    expect(res.body.error.code).toBe('PAYOUT_ACCOUNT_MISSING');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
  });

  it("a PIX key in the request must be the registered account's, and the player's own", async () => {
    const playerId = await givenHashleePlayer();
    await register(playerId, { pixKey: PLAYER_CPF }).expect(201);
    expect((await payout(playerId, { pixKey: 'ana@example.com' })).body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'pixKey' });
    expect((await payout(playerId, { pixKey: '04303340790' })).body.error.code).toBe('PIX_KEY_NOT_OWNED');
    const ok = await payout(playerId, { pixKey: PLAYER_CPF });
    expect(ok.status).toBe(202);
    expect(ok.body.pixKey).toBe(PLAYER_CPF);
  });

  it('a server still configured with the old shared HASHLEE_ACCOUNT_ID refuses to start, naming the variable', () => {
    const config = { providers: { hashlee: { ...s.fake.settings(), accountId: 'jqozmk' } }, defaultProvider: undefined, minAmount: '1.00', maxAmount: '10.00' };
    expect(() => buildProviders(config)).toThrow(/HASHLEE_ACCOUNT_ID no longer routes player payouts/);
  });
});

describe('Hashlee payouts', () => {
  it('are polled from OPEN to FINISHED', async () => {
    const { playerId, id } = await s.payoutFor('100.00');
    await s.until(id, 'submitted');
    s.fake.setStatus(id, 'EXPORTED');
    await s.until(id, 'processing');
    s.fake.setStatus(id, 'FINISHED');
    await s.until(id, 'succeeded');
    expect(await balanceOf(s.t, playerId)).toBe('900.00');
  });

  it('with no idempotency key, a timed-out create is found by listing on description, never created twice', async () => {
    s.fake.failNextCreate('timeout-after-create');
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('a timed-out create whose listing never shows it is not sent again: it goes to review', async () => {
    const { id } = await s.inReviewAfterLostAnswer();
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('a rate-limited status check ("wait 5 minutes") is simply asked again later', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    s.fake.rateLimitNext(3);
    s.fake.setStatus(id, 'FINISHED');
    await s.until(id, 'succeeded');
  });

  it('the operator can cancel while Hashlee still has it OPEN; the reserve goes back', async () => {
    const { playerId, id } = await s.payoutFor();
    await s.until(id, 'submitted');
    const res = await s.t.operator('post', `/payouts/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(s.fake.byOurId(id)!.status).toBe('CANCELED');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
  });

  it('once Hashlee has moved it past OPEN, cancelling is refused with 409', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'submitted');
    s.fake.setStatus(id, 'PENDING');
    await s.until(id, 'processing');
    const res = await s.t.operator('post', `/payouts/${id}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYOUT_NOT_CANCELLABLE');
  });

  it('any callback claiming to be from Hashlee is refused: it sends none', async () => {
    expect((await s.t.http.post('/webhooks/payouts/hashlee').send({ hash: 'x', status: 'FINISHED' })).status).toBe(401);
  });
});
