import { FakeJumppag } from '../support/fakes/jumppag';
import { balanceOf, givenPlayer } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { asStaff, StaffAccount, staffAccount } from '../support/staff';

/**
 * One finance account, alone, tries every way an insider would to create money and send it away
 * (APPROVAL_THRESHOLD=BRL:5000.00). Nothing above the threshold moves, and nothing goes to a destination that is not
 * provably the player's, without a second person.
 */
const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings(), { app: () => ({ approvalThresholds: { BRL: '5000.00' } }) });

let n = 0;
const insider = () => staffAccount(s.t, 'finance');
async function playerOf(mallory: StaffAccount, currency = 'BRL') {
  const playerId = `insider-${++n}`;
  await asStaff(s.t, mallory.token, 'post', '/players', { playerId, currency, firstName: 'Mal', lastName: 'Lory', documentNumber: PLAYER_CPF }).expect(201);
  return playerId;
}
const as = (who: StaffAccount, path: string, body: object) => asStaff(s.t, who.token, 'post', path, body);
const topUp = (who: StaffAccount, playerId: string, amount: string) => as(who, `/players/${playerId}/topups`, { amount, transactionId: `tu-${++n}` });
const adjust = (who: StaffAccount, playerId: string, amount: string) => as(who, `/players/${playerId}/adjustments`, { amount, reason: 'goodwill', transactionId: `adj-${++n}` });
const payOut = (who: StaffAccount, playerId: string, amount: string, pixKey = PLAYER_CPF) =>
  as(who, `/players/${playerId}/payouts`, { amount, pixKey, transactionId: `po-${++n}` });
/** A player of the insider's, funded (by two people where the amount needs them). */
async function fundedPlayer(mallory: StaffAccount, amount: string) {
  const playerId = await playerOf(mallory);
  const topup = await topUp(mallory, playerId, amount);
  if (topup.status === 202) await as(bruno, `/approvals/${topup.body.approvalId}/approve`, { note: 'deposit slip seen' }).expect(200);
  return playerId;
}

let bruno: StaffAccount;
beforeAll(async () => {
  bruno = await staffAccount(s.t, 'finance');
});

describe('four eyes that cannot be skipped', () => {
  it('a top-up of 1,000,000.00 waits for a second person, says why, and moves once when approved', async () => {
    const mallory = await insider();
    const playerId = await playerOf(mallory);
    const body = { amount: '1000000.00', transactionId: 'tu-million' };
    const held = await as(mallory, `/players/${playerId}/topups`, body).expect(202);
    expect(held.body).toMatchObject({ kind: 'topup', status: 'pending', amount: '1000000.00', currency: 'BRL', requestedBy: mallory.staffId });
    expect(held.body.heldBecause).toMatch(/1000000\.00 BRL: above the threshold of 5000\.00 BRL/);
    expect(await balanceOf(s.t, playerId)).toBe('0.00');
    expect((await as(mallory, `/players/${playerId}/topups`, body).expect(202)).body).toEqual(held.body);
    await as(mallory, `/approvals/${held.body.approvalId}/approve`, {}).expect(403);
    await as(bruno, `/approvals/${held.body.approvalId}/approve`, { note: 'wire received' }).expect(200);
    expect(await balanceOf(s.t, playerId)).toBe('1000000.00');
    await as(bruno, `/approvals/${held.body.approvalId}/approve`, {}).expect(409);
    expect((await as(mallory, `/players/${playerId}/topups`, body).expect(202)).body).toEqual(held.body);
    expect(await balanceOf(s.t, playerId)).toBe('1000000.00');
  });

  it('split adjustments: the one that takes the requester past the threshold in 24 hours waits', async () => {
    const mallory = await insider();
    const playerId = await playerOf(mallory);
    await adjust(mallory, playerId, '4999.99').expect(200);
    const second = await adjust(mallory, playerId, '4999.99').expect(202);
    expect(second.body.heldBecause).toMatch(new RegExp(`what ${mallory.staffId} moved alone in BRL over 24 hours, with this, comes to 9999\\.98 BRL`));
    expect(await balanceOf(s.t, playerId)).toBe('4999.99');
  });

  it('split payouts: the second of three payouts of 4,999.99 waits, reserved, and nothing is sent for it', async () => {
    const mallory = await insider();
    const playerId = await fundedPlayer(mallory, '15000.00');
    const first = await payOut(mallory, playerId, '4999.99').expect(202);
    expect(first.body.status).toBe('requested');
    const second = await payOut(mallory, playerId, '4999.99').expect(202);
    const third = await payOut(mallory, playerId, '4999.99').expect(202);
    expect([second.body.status, third.body.status]).toEqual(['pending_approval', 'pending_approval']);
    await s.until(first.body.payoutId, 'processing');
    expect(s.fake.createsOf(second.body.payoutId)).toBe(0);
    expect(await balanceOf(s.t, playerId)).toBe('0.03');
  });

  it('the player total counts too: two people each moving 4,999.99 alone for one player cannot both', async () => {
    const mallory = await insider();
    const accomplice = await insider();
    const playerId = await playerOf(mallory);
    await topUp(mallory, playerId, '4999.99').expect(200);
    const second = await topUp(accomplice, playerId, '4999.99').expect(202);
    expect(second.body.heldBecause).toMatch(new RegExp(`moved alone for player ${playerId} in BRL over 24 hours, with this, comes to 9999\\.98 BRL`));
  });

  it('halves sent at once cannot both slip under: ten concurrent top-ups of 1,000.00 move 5,000.00 at most', async () => {
    const mallory = await insider();
    const playerId = await playerOf(mallory);
    const answers = await Promise.all(Array.from({ length: 10 }, () => topUp(mallory, playerId, '1000.00')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
    expect(await balanceOf(s.t, playerId)).toBe('5000.00');
  });

  it('a currency APPROVAL_THRESHOLD does not list holds every manual movement, however small', async () => {
    const mallory = await insider();
    const playerId = await playerOf(mallory, 'EUR');
    const held = await topUp(mallory, playerId, '1.00').expect(202);
    expect(held.body.heldBecause).toMatch(/names no threshold for EUR/);
    expect((await adjust(mallory, playerId, '1000000.00').expect(202)).body.kind).toBe('adjustment');
    expect(await balanceOf(s.t, playerId)).toBe('0.00');
  });
});

describe('payouts only to what is provably the player\'s', () => {
  it.each([
    ['an e-mail', 'mallory@evil.example'],
    ['a phone', '+5511987654321'],
    ['a random key', '123e4567-e89b-12d3-a456-426655440000'],
  ])('the first payout to %s key waits for a second person whatever the amount; approved, the key is known and the next is sent at once', async (_kind, pixKey) => {
    const mallory = await insider();
    const playerId = await fundedPlayer(mallory, '100.00');
    const first = await payOut(mallory, playerId, '1.00', pixKey).expect(202);
    expect(first.body.status).toBe('pending_approval');
    const approval = (await s.t.db('approvals').where({ payout_id: first.body.payoutId }).first());
    expect(approval.held_because).toMatch(/not provably the player's/);
    const listed = (await asStaff(s.t, mallory.token, 'get', `/players/${playerId}/payout-destinations`).expect(200)).body.payoutDestinations;
    expect(listed).toEqual([expect.objectContaining({ status: 'pending', firstPayoutId: first.body.payoutId })]);
    await as(bruno, `/approvals/${approval.id}/approve`, { note: 'player confirmed the key by phone' }).expect(200);
    await s.until(first.body.payoutId, 'processing');
    const next = await payOut(mallory, playerId, '2.00', pixKey).expect(202);
    expect(next.body.status).toBe('requested');
    const [known] = (await asStaff(s.t, mallory.token, 'get', `/players/${playerId}/payout-destinations`).expect(200)).body.payoutDestinations;
    expect(known).toMatchObject({ status: 'known', approvedBy: bruno.staffId });
    // retired, it waits again
    await asStaff(s.t, mallory.token, 'delete', `/players/${playerId}/payout-destinations/${known.destinationId}`).expect(200);
    expect((await payOut(mallory, playerId, '3.00', pixKey).expect(202)).body.status).toBe('pending_approval');
  });

  it("another player's destination is refused (PAYOUT_DESTINATION_SHARED), nothing moves, and the attempt is in the audit trail", async () => {
    const mallory = await insider();
    const owner = await fundedPlayer(mallory, '100.00');
    await payOut(mallory, owner, '1.00', 'shared@evil.example').expect(202);
    const other = await fundedPlayer(mallory, '100.00');
    const refused = await payOut(mallory, other, '1.00', 'shared@evil.example').expect(409);
    expect(refused.body.error.code).toBe('PAYOUT_DESTINATION_SHARED');
    expect(await balanceOf(s.t, other)).toBe('100.00');
    const audit = await s.t.db('audit_log').where({ action: 'payout.destination_refused', actor: mallory.staffId }).first();
    expect(audit.details).toMatchObject({ destination: 'email:shared@evil.example', rule: 'PAYOUT_DESTINATION_SHARED' });
  });

  it("a rejected destination's payout is cancelled, its reserve released, and the key is not known", async () => {
    const mallory = await insider();
    const playerId = await fundedPlayer(mallory, '100.00');
    const first = await payOut(mallory, playerId, '10.00', 'rejected@evil.example').expect(202);
    const approval = await s.t.db('approvals').where({ payout_id: first.body.payoutId }).first();
    await as(bruno, `/approvals/${approval.id}/reject`, { note: 'not the player' }).expect(200);
    expect(await balanceOf(s.t, playerId)).toBe('100.00');
    const [rejected] = (await asStaff(s.t, mallory.token, 'get', `/players/${playerId}/payout-destinations`).expect(200)).body.payoutDestinations;
    expect(rejected.status).toBe('rejected');
  });

  it('a bootstrap-funded or any other player without a second person still gets the own-CPF payouts under the threshold at once', async () => {
    const playerId = await givenPlayer(s.t, `insider-own-${++n}`, { currency: 'BRL', balance: '100.00', documentNumber: PLAYER_CPF });
    const paid = await s.t.operator('post', `/players/${playerId}/payouts`, { amount: '10.00', pixKey: PLAYER_CPF, transactionId: `po-own-${n}` }).expect(202);
    expect(paid.body.status).toBe('requested');
  });
});
