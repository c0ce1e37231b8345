import { FakeOrkestra } from '../support/fakes/orkestra';
import { balanceOf } from '../support/app';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { eventually } from '../support/eventually';

const s = payoutSuite('orkestra', () => new FakeOrkestra(), (fake) => fake.settings());
const HOUR = 3_600_000;

afterEach(() => {
  s.fake.lookupLagMs = 0;
});

const historyOf = async (id: string) => (await s.t.operator('get', `/payouts/${id}`)).body.history.map((h: { to: string }) => h.to);

describe('Orkestra payouts', () => {
  it('are sent with our id as externalIdentifier and the CPF as customer and PIX key, and followed to COMPLETED', async () => {
    const { playerId, id } = await s.payoutFor('20.00');
    await s.until(id, 'processing');
    expect(s.fake.byOurId(id)).toMatchObject({ amount: 20, currency: 'BRL', paymentMethod: 'PIX', customer: { documentNumber: PLAYER_CPF }, bankAccount: { key: PLAYER_CPF } });
    s.fake.byOurId(id)!.status = 'COMPLETED';
    await s.until(id, 'succeeded');
    expect(await balanceOf(s.t, playerId)).toBe('980.00');
  });

  it('a 500 after the withdrawal was created is resolved by looking it up under externalIdentifier', async () => {
    s.fake.failNextCreate('500-after-create');
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    expect(s.fake.createsOf(id)).toBe(1);
  });

  it('a callback with the Basic credential triggers a check; a wrong credential is a 401', async () => {
    const { id } = await s.payoutFor();
    await s.until(id, 'processing');
    const w = s.fake.byOurId(id)!;
    w.status = 'FAILED';
    expect(await s.fake.notify(s.webhookUrl(), w, 'ork-hook:wrong')).toBe(401);
    expect(await s.fake.notify(s.webhookUrl(), w)).toBe(200);
    await s.until(id, 'failed');
  });
});

// Orkestra documents no refusal of a reused externalIdentifier (the fake takes a second create as a second
// withdrawal), so an order whose create answer was lost must never be sent again automatically.
describe('Orkestra: a lost create answer and a lookup that lags behind the create', () => {
  it('the order is looked up with backoff until the lookup shows it: one create, one withdrawal', async () => {
    s.fake.lookupLagMs = HOUR;
    s.fake.failNextCreate('timeout-after-create');
    const { id } = await s.payoutFor();
    const missed = async () => (await s.t.db('payouts').where({ id }).first()).missed_lookups as number;
    await eventually('missed lookups', missed, (n) => n >= 2, { within: 5_000, every: 10 });
    s.fake.lookupLagMs = 0; // the lookup catches up
    await s.until(id, 'processing');
    expect(s.fake.createsOf(id)).toBe(1);
    expect(s.fake.ordersOf(id)).toBe(1);
  });

  it('a lookup that never shows it sends the payout to review after the lookups, still with one create, and the reserve held', async () => {
    const { playerId, id } = await s.inReviewAfterLostAnswer();
    s.fake.lookupLagMs = HOUR;
    await new Promise((r) => setTimeout(r, 300)); // the hourly checks of a payout in review never re-send
    expect(s.fake.createsOf(id)).toBe(1);
    const { body } = await s.t.operator('get', `/payouts/${id}`);
    expect(body).toMatchObject({ status: 'review', manualReview: true, reviewReason: expect.stringContaining('never re-sent automatically') });
    expect(body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'unknown', 'review']);
    expect(await balanceOf(s.t, playerId)).toBe('900.00');
    const listed = await s.t.operator('get', `/payouts?status=review&playerId=${playerId}`);
    expect(listed.body.payouts.map((p: { payoutId: string }) => p.payoutId)).toEqual([id]);
    const report = await s.t.operator('get', '/reports/payouts?status=review');
    expect(report.body.rows.map((r: { payoutId: string }) => r.payoutId)).toContain(id);
  });

  it('once the lookup catches up, a payout in review adopts the status Orkestra reports', async () => {
    const { id } = await s.inReviewAfterLostAnswer();
    s.fake.byOurId(id)!.status = 'COMPLETED';
    await s.until(id, 'succeeded');
    expect(s.fake.createsOf(id)).toBe(1);
  });
});

describe('POST /operator/payouts/:payoutId/review', () => {
  async function inReview() {
    s.fake.failNextCreate('timeout-before-create'); // Orkestra never got it, but we cannot know that
    const payout = await s.payoutFor();
    await s.until(payout.id, 'review');
    return payout;
  }

  it('fail ends the payout and gives the reserve back, recorded in the history and the audit trail', async () => {
    const { playerId, id } = await inReview();
    const res = await s.t.operator('post', `/payouts/${id}/review`, { decision: 'fail', note: 'Orkestra support: no such withdrawal' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(await balanceOf(s.t, playerId)).toBe('1000.00');
    expect(await historyOf(id)).toEqual(['requested', 'unknown', 'review', 'failed']);
    const audit = await s.t.db('audit_log').where({ action: 'payout.review' }).orderBy('id', 'desc').first();
    expect(audit.details).toMatchObject({ payoutId: id, decision: 'fail', note: 'Orkestra support: no such withdrawal' });
    expect(audit.trace_id).toBe(res.headers['x-trace-id']);
  });

  it('resend sends it again under the same id, once', async () => {
    const { id } = await inReview();
    expect(s.fake.createsOf(id)).toBe(1);
    const res = await s.t.operator('post', `/payouts/${id}/review`, { decision: 'resend', note: 'Orkestra support: never received' });
    expect(res.status).toBe(200);
    await s.until(id, 'processing');
    expect(s.fake.createsOf(id)).toBe(2);
    expect(s.fake.ordersOf(id)).toBe(1);
  });

  it('a payout not in review takes no decision: 409 PAYOUT_NOT_IN_REVIEW, and nothing changes', async () => {
    const { playerId, id } = await s.payoutFor();
    await s.until(id, 'processing');
    const res = await s.t.operator('post', `/payouts/${id}/review`, { decision: 'fail', note: 'wrong payout' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYOUT_NOT_IN_REVIEW');
    expect(await s.statusOf(id)).toBe('processing');
    expect(await balanceOf(s.t, playerId)).toBe('900.00');
  });

  it('a decision other than resend or fail, or without a note, is a 400', async () => {
    const { id } = await s.payoutFor();
    for (const body of [{ decision: 'pay', note: 'x' }, { decision: 'fail' }, { decision: 'fail', note: '' }]) {
      const res = await s.t.operator('post', `/payouts/${id}/review`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});
