import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';
import { asStaff, staffAccount } from '../support/staff';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ approvalThresholds: { BRL: '1000.00' } });
});
afterAll(async () => {
  try {
    await expectSoundLedger(t);
  } finally {
    await t.close();
  }
});

async function staff(role: string) {
  const account = await staffAccount(t, role);
  return { id: account.staffId, token: account.token };
}
const as = (token: string, method: 'get' | 'post', path: string, body?: object) => asStaff(t, token, method, path, body);

describe('four eyes on adjustments above APPROVAL_THRESHOLD', () => {
  let alice: { id: string; token: string };
  let bruno: { id: string; token: string };
  beforeAll(async () => {
    alice = await staff('finance');
    bruno = await staff('finance');
  });

  it('at or below the threshold it moves at once', async () => {
    await givenPlayer(t, 'fe-below', { currency: 'BRL', balance: '5000.00' });
    await as(alice.token, 'post', '/players/fe-below/adjustments', { amount: '-1000.00', reason: 'fee', transactionId: 'fe-below-1' }).expect(200);
    expect(await balanceOf(t, 'fe-below')).toBe('4000.00');
  });

  it('above it, a debit waits (202) with its amount held, and a second person approving moves it', async () => {
    await givenPlayer(t, 'fe-debit', { currency: 'BRL', balance: '5000.00' });
    const asked = await as(alice.token, 'post', '/players/fe-debit/adjustments', { amount: '-1500.00', reason: 'chargeback', transactionId: 'fe-debit-1' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'pending', amount: '-1500.00', requestedBy: alice.id, requestedRole: 'finance' });
    expect(await balanceOf(t, 'fe-debit')).toBe('3500.00'); // held: the player cannot spend it meanwhile
    const again = await as(alice.token, 'post', '/players/fe-debit/adjustments', { amount: '-1500.00', reason: 'chargeback', transactionId: 'fe-debit-1' });
    expect(again.body).toEqual(asked.body); // the same request is answered again, not asked twice
    const pending = (await as(bruno.token, 'get', '/approvals?status=pending').expect(200)).body.approvals;
    expect(pending.map((a: { approvalId: string }) => a.approvalId)).toContain(asked.body.approvalId);
    const approved = await as(bruno.token, 'post', `/approvals/${asked.body.approvalId}/approve`, { note: 'bank confirmed' }).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: bruno.id, note: 'bank confirmed' });
    expect(await balanceOf(t, 'fe-debit')).toBe('3500.00');
    await expectSoundLedger(t);
  });

  it('a credit above it waits with nothing held, and moves on approval', async () => {
    await givenPlayer(t, 'fe-credit', { currency: 'BRL', balance: '10.00' });
    const asked = await as(alice.token, 'post', '/players/fe-credit/adjustments', { amount: '2000.00', reason: 'goodwill', transactionId: 'fe-credit-1' }).expect(202);
    expect(await balanceOf(t, 'fe-credit')).toBe('10.00');
    await as(bruno.token, 'post', `/approvals/${asked.body.approvalId}/approve`, {}).expect(200);
    expect(await balanceOf(t, 'fe-credit')).toBe('2010.00');
  });

  it('the requester cannot approve their own request, and neither can the bootstrap token', async () => {
    await givenPlayer(t, 'fe-self', { currency: 'BRL', balance: '5000.00' });
    const asked = await as(alice.token, 'post', '/players/fe-self/adjustments', { amount: '-2000.00', reason: 'a correction', transactionId: 'fe-self-1' }).expect(202);
    const self = await as(alice.token, 'post', `/approvals/${asked.body.approvalId}/approve`, {});
    expect({ status: self.status, code: self.body.error.code }).toEqual({ status: 403, code: 'SELF_APPROVAL' });
    const bootstrap = await t.operator('post', `/approvals/${asked.body.approvalId}/approve`, {});
    expect({ status: bootstrap.status, code: bootstrap.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await balanceOf(t, 'fe-self')).toBe('3000.00');
  });

  it('a rejection gives the held debit back exactly', async () => {
    await givenPlayer(t, 'fe-reject', { currency: 'BRL', balance: '5000.00' });
    const asked = await as(alice.token, 'post', '/players/fe-reject/adjustments', { amount: '-1234.56', reason: 'a correction', transactionId: 'fe-reject-1' }).expect(202);
    expect(await balanceOf(t, 'fe-reject')).toBe('3765.44');
    await as(bruno.token, 'post', `/approvals/${asked.body.approvalId}/reject`, { note: 'no ticket' }).expect(200);
    expect(await balanceOf(t, 'fe-reject')).toBe('5000.00');
    const twice = await as(bruno.token, 'post', `/approvals/${asked.body.approvalId}/approve`, {});
    expect({ status: twice.status, code: twice.body.error.code }).toEqual({ status: 409, code: 'APPROVAL_DECIDED' });
    await expectSoundLedger(t);
  });

  it('two approvers at once: one decides, the other is told it was decided, and the money moves once', async () => {
    const carla = await staff('admin');
    await givenPlayer(t, 'fe-race', { currency: 'BRL', balance: '10.00' });
    const asked = await as(alice.token, 'post', '/players/fe-race/adjustments', { amount: '3000.00', reason: 'a correction', transactionId: 'fe-race-1' }).expect(202);
    const [a, b] = await Promise.all([
      as(bruno.token, 'post', `/approvals/${asked.body.approvalId}/approve`, {}),
      as(carla.token, 'post', `/approvals/${asked.body.approvalId}/approve`, {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await balanceOf(t, 'fe-race')).toBe('3010.00');
  });

  it('a support account may not decide (approvals.decide is finance and admin)', async () => {
    const support = await staff('support');
    const res = await as(support.token, 'get', '/approvals');
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('every step is in the audit trail, naming who asked and who decided', async () => {
    const rows = await t.db('audit_log').whereIn('action', ['adjustment.request_approval', 'adjustment.approve', 'adjustment.reject']).orderBy('id');
    expect(rows.filter((r) => r.action === 'adjustment.request_approval').every((r) => r.actor === alice.id)).toBe(true);
    expect(rows.some((r) => r.action === 'adjustment.approve' && r.actor === bruno.id)).toBe(true);
    expect(rows.some((r) => r.action === 'adjustment.reject' && r.actor === bruno.id)).toBe(true);
  });
});
