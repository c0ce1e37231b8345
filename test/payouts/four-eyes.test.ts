import { FakeJumppag } from '../support/fakes/jumppag';
import { balanceOf, expectSoundLedger, givenPlayer } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { asStaff, signedIn, StaffAccount, staffAccount } from '../support/staff';

const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings(), { app: () => ({ approvalThresholds: { BRL: '500.00' } }) });

let alice: StaffAccount;
let bruno: StaffAccount;
let carla: StaffAccount;
beforeAll(async () => {
  alice = await staffAccount(s.t, 'finance');
  bruno = await staffAccount(s.t, 'finance');
  carla = await staffAccount(s.t, 'finance');
});
let n = 0;
/** A player with 1,000.00 and their own CPF. */
const fundedPlayer = () => givenPlayer(s.t, `fe-player-${++n}`, { currency: 'BRL', balance: '1000.00', documentNumber: PLAYER_CPF });
/** A funded player's payout of `amount` to their own CPF key, requested by Carla (a person, whom Alice and Bruno may approve). */
async function asked(amount: string) {
  const playerId = await fundedPlayer();
  const res = await asStaff(s.t, carla.token, 'post', `/players/${playerId}/payouts`, { amount, pixKey: PLAYER_CPF, transactionId: `fe-carla-${++n}` }).expect(202);
  return { playerId, id: res.body.payoutId as string };
}
const approvalOf = async (payoutId: string) => (await s.t.db('approvals').where({ payout_id: payoutId }).first()).id as string;
/** Long enough for the worker (polling every 50 ms) to have sent a payout it was allowed to send. */
const aWhile = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('four eyes on payouts above APPROVAL_THRESHOLD', () => {
  it('at or below the threshold a payout is sent at once', async () => {
    const { id } = await s.payoutFor('500.00');
    await s.until(id, 'processing');
  });

  it('above it, the payout is reserved and waits in pending_approval with nothing sent, listed for a second person', async () => {
    const { playerId, id } = await asked('500.01');
    expect(await s.statusOf(id)).toBe('pending_approval');
    expect(await balanceOf(s.t, playerId)).toBe('499.99');
    await aWhile();
    expect(s.fake.createsOf(id)).toBe(0);
    const pending = (await asStaff(s.t, bruno.token, 'get', '/approvals?status=pending').expect(200)).body.approvals;
    expect(pending).toContainEqual(expect.objectContaining({ kind: 'payout', payoutId: id, playerId, amount: '500.01', currency: 'BRL', requestedBy: carla.staffId }));
    const listed = (await s.t.operator('get', `/payouts?status=pending_approval&playerId=${playerId}`).expect(200)).body.payouts;
    expect(listed.map((p: { payoutId: string }) => p.payoutId)).toEqual([id]);
  });

  it('approved by a second person, it is sent once and followed as any payout', async () => {
    const { playerId, id } = await asked('800.00');
    await asStaff(s.t, alice.token, 'post', `/approvals/${await approvalOf(id)}/approve`, { note: 'KYC checked' }).expect(200);
    await s.until(id, 'processing');
    s.fake.setStatus(id, 'success');
    await s.until(id, 'succeeded');
    expect(s.fake.createsOf(id)).toBe(1);
    expect(await balanceOf(s.t, playerId)).toBe('200.00');
    const { body } = await s.t.operator('get', `/payouts/${id}`);
    expect(body.history.map((h: { to: string; source: string }) => `${h.source}:${h.to}`)).toEqual(['operator:pending_approval', 'approval:requested', 'send:processing', 'poll:succeeded']);
  });

  it('rejected, it is cancelled, never sent, and the reserve goes back exactly', async () => {
    const { playerId, id } = await asked('654.32');
    expect(await balanceOf(s.t, playerId)).toBe('345.68');
    await asStaff(s.t, alice.token, 'post', `/approvals/${await approvalOf(id)}/reject`, { note: 'not the player' }).expect(200);
    expect(await s.statusOf(id)).toBe('cancelled');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
    await aWhile();
    expect(s.fake.createsOf(id)).toBe(0);
    await expectSoundLedger(s.t);
  });

  it('the requester cannot approve their own payout, nor can the bootstrap token; a cancel is refused while it waits', async () => {
    const playerId = await fundedPlayer();
    const asked = await asStaff(s.t, alice.token, 'post', `/players/${playerId}/payouts`, { amount: '900.00', pixKey: PLAYER_CPF, transactionId: 'fe-self-po' }).expect(202);
    const approvalId = await approvalOf(asked.body.payoutId);
    const self = await asStaff(s.t, alice.token, 'post', `/approvals/${approvalId}/approve`, {});
    expect({ status: self.status, code: self.body.error.code }).toEqual({ status: 403, code: 'SELF_APPROVAL' });
    const bootstrap = await s.t.operator('post', `/approvals/${approvalId}/approve`, {});
    expect({ status: bootstrap.status, code: bootstrap.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const cancel = await s.t.operator('post', `/payouts/${asked.body.payoutId}/cancel`);
    expect({ status: cancel.status, code: cancel.body.error.code }).toEqual({ status: 409, code: 'PAYOUT_NOT_CANCELLABLE' });
    expect(await s.statusOf(asked.body.payoutId)).toBe('pending_approval');
    await asStaff(s.t, bruno.token, 'post', `/approvals/${approvalId}/reject`, {}).expect(200);
  });

  it('two approvers at once: one approves, the other is told it was decided, and it is sent once', async () => {
    const { id } = await asked('700.00');
    const approvalId = await approvalOf(id);
    const [a, b] = await Promise.all([
      asStaff(s.t, alice.token, 'post', `/approvals/${approvalId}/approve`, {}),
      asStaff(s.t, bruno.token, 'post', `/approvals/${approvalId}/approve`, {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await s.until(id, 'processing');
    await aWhile();
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('every step is audited, naming who asked and who decided', async () => {
    const rows = await s.t.db('audit_log').whereIn('action', ['payout.request_approval', 'payout.approve', 'payout.reject']);
    expect(rows.some((r) => r.action === 'payout.request_approval' && r.actor === alice.staffId)).toBe(true);
    expect(rows.some((r) => r.action === 'payout.approve' && r.actor === alice.staffId)).toBe(true);
    expect(rows.some((r) => r.action === 'payout.reject' && r.actor === bruno.staffId)).toBe(true);
  });

  it("an approver whose account the requester made, or who made the requester's, is not a second person; the bootstrap token's waiting requests are never approved, only rejected", async () => {
    const boss = await staffAccount(s.t, 'admin');
    const puppet = await asStaff(s.t, boss.token, 'post', '/staff', { email: `puppet-${n}@casino.example`, displayName: 'Puppet', role: 'finance', password: 'a passphrase long enough' }).expect(201);
    const puppetToken = await (async () => {
      const session = await signedIn(s.t, `puppet-${n}@casino.example`, 'a passphrase long enough');
      return (await s.t.http.post('/operator/me/tokens').set('Cookie', session!).set('X-Wallet-Console', '1').send({ name: 'p' }).expect(201)).body.token as string;
    })();
    const playerId = await fundedPlayer();
    const bossAsks = await asStaff(s.t, boss.token, 'post', `/players/${playerId}/payouts`, { amount: '900.00', pixKey: PLAYER_CPF, transactionId: `fe-boss-${n}` }).expect(202);
    const byPuppet = await asStaff(s.t, puppetToken, 'post', `/approvals/${await approvalOf(bossAsks.body.payoutId)}/approve`, {});
    expect({ status: byPuppet.status, code: byPuppet.body.error.code }).toEqual({ status: 403, code: 'APPROVER_NOT_INDEPENDENT' });
    const puppetAsks = await asStaff(s.t, puppetToken, 'post', `/players/${await fundedPlayer()}/payouts`, { amount: '900.00', pixKey: PLAYER_CPF, transactionId: `fe-puppet-${n}` }).expect(202);
    const byBoss = await asStaff(s.t, boss.token, 'post', `/approvals/${await approvalOf(puppetAsks.body.payoutId)}/approve`, {});
    expect({ status: byBoss.status, code: byBoss.body.error.code }).toEqual({ status: 403, code: 'APPROVER_NOT_INDEPENDENT' });
    await asStaff(s.t, alice.token, 'post', `/approvals/${await approvalOf(puppetAsks.body.payoutId)}/approve`, {}).expect(200); // an independent person may
    const bootstrapAsks = await s.t.operator('post', `/players/${await fundedPlayer()}/payouts`, { amount: '900.00', pixKey: PLAYER_CPF, transactionId: `fe-bootstrap-${n}` }).expect(202);
    const bootstrapApproval = await approvalOf(bootstrapAsks.body.payoutId);
    expect((await asStaff(s.t, alice.token, 'post', `/approvals/${bootstrapApproval}/approve`, {})).body.error.code).toBe('APPROVER_NOT_INDEPENDENT');
    await asStaff(s.t, alice.token, 'post', `/approvals/${bootstrapApproval}/reject`, {}).expect(200);
    expect(puppet.body.staffId).toBeDefined();
  });
});
