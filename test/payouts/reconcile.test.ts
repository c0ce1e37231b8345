import { randomUUID } from 'node:crypto';
import { describeReconciliation, PayoutEngine } from '../../src/payouts';
import { FakeJumppag } from '../support/fakes/jumppag';
import { ndjson } from '../support/app';
import { hashleePayoutSuite, payoutSuite } from '../support/payouts';

const window = () => ({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) });

describe('payouts:reconcile against Jumppag (GET /payouts, 40 a page)', () => {
  const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings());

  it('reports missing on either side, status and amount differences, and nothing for orders that agree', async () => {
    const range = window();
    const ids: string[] = [];
    for (const amount of ['100.00', '50.00', '20.00', '10.00']) {
      const { id } = await s.payoutFor(amount);
      await s.until(id, 'processing');
      ids.push(id);
    }
    await s.stopWorker(); // our side holds still while the provider's changes
    const [agrees, paid, changed, lost] = ids;
    s.fake.setStatus(paid, 'success');
    s.fake.orderOf(changed)!.amount = '25.00';
    s.fake.orders.delete(s.fake.orderOf(lost)!.id);
    const now = new Date().toISOString();
    for (let i = 0; i < 45; i += 1) {
      const id = randomUUID();
      s.fake.orders.set(id, { id, transaction_id: `other-system-${i}`, customer_id: 'x', amount: '1.00', currency: 'BRL', status: 'pending', pixKey: 'k', document: 'd', created_at: now, updated_at: now });
    }

    const result = await (s.t.app.locals.payoutEngine as PayoutEngine).reconcile('jumppag', range);

    expect(result).toMatchObject({ provider: 'jumppag', method: 'list', ours: 4, theirs: 48, matched: 3 });
    const byKind = (kind: string) => result.mismatches.filter((m) => m.kind === kind);
    expect(byKind('status_differs')).toEqual([
      expect.objectContaining({ payoutId: paid, ours: { status: 'processing', amount: '50.00' }, theirs: { status: 'succeeded', providerStatus: 'success', amount: '50.00' } }),
    ]);
    expect(byKind('amount_differs')).toEqual([expect.objectContaining({ payoutId: changed, ours: { status: 'processing', amount: '20.00' } })]);
    expect(byKind('missing_at_provider')).toEqual([expect.objectContaining({ payoutId: lost, ours: { status: 'processing', amount: '10.00' } })]);
    expect(byKind('missing_here')).toHaveLength(45);
    expect(result.mismatches.some((m) => m.payoutId === agrees)).toBe(false);

    const text = describeReconciliation(result);
    expect(text.split('\n')[0]).toMatch(/^jumppag .* \(provider list\): 4 ours, 48 listed by the provider, 3 matched, 48 mismatch\(es\)$/);
    expect(text).toContain(`  status_differs: payout ${paid} reference ${s.fake.orderOf(paid)!.id} ours processing 50.00 theirs succeeded (success) 50.00\n`);
    await s.startWorker();
  });

  it('GET /operator/reports/payout-reconciliation answers the same as JSON, or streamed with its progress as NDJSON', async () => {
    const range = window();
    await s.stopWorker();
    const path = `/reports/payout-reconciliation?provider=jumppag&from=${range.from.toISOString()}&to=${range.to.toISOString()}`;
    const json = await s.t.operator('get', path).expect(200);
    expect(json.body).toMatchObject({ provider: 'jumppag', method: 'list', ours: 4, theirs: 48 });
    const streamed = await ndjson(s.t.operator('get', path).set('Accept', 'application/x-ndjson'));
    expect(streamed.status).toBe(200);
    expect(streamed.lines[0]).toEqual({ progress: { phase: 'reading the provider list', done: 48, total: null } });
    expect(streamed.lines.at(-1)).toEqual({ result: json.body });
    await s.startWorker();
  });

  it.each([
    ['provider=nope&from=2026-01-01&to=2026-01-02', 'provider'],
    ['provider=jumppag&from=2026-01-01', 'to'],
    ['provider=jumppag&from=2026-01-02&to=2026-01-01', 'from'],
  ])('refuses %s before streaming anything (400 on %s)', async (query, field) => {
    const res = await s.t.operator('get', `/reports/payout-reconciliation?${query}`).set('Accept', 'application/x-ndjson');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
  });
});

describe('payouts:reconcile against Hashlee (filters[] on created_at, 100 a page)', () => {
  const s = hashleePayoutSuite();

  it('pages through the whole list and compares the net amount we sent', async () => {
    const range = window();
    const { id: agrees } = await s.payoutFor('30.00');
    const { id: finished } = await s.payoutFor('40.00');
    await s.until(agrees, 'submitted');
    await s.until(finished, 'submitted');
    await s.stopWorker();
    s.fake.setStatus(finished, 'FINISHED');
    for (let i = 0; i < 101; i += 1) {
      const hash = randomUUID();
      s.fake.withdrawals.set(hash, { hash, gateway_unit_account_id: 'jqozmk', currency: 'BRL', amount: '6.00000000', fee: '5.00000000', net_amount: '1.00000000', status: 'OPEN', description: null, created_at: new Date().toISOString() });
    }

    const result = await (s.t.app.locals.payoutEngine as PayoutEngine).reconcile('hashlee', range);

    expect(result).toMatchObject({ provider: 'hashlee', ours: 2, theirs: 103, matched: 2 });
    expect(result.mismatches.filter((m) => m.kind !== 'missing_here')).toEqual([
      expect.objectContaining({ kind: 'status_differs', payoutId: finished, theirs: { status: 'succeeded', providerStatus: 'FINISHED', amount: '40.00000000' } }),
    ]);
    expect(result.mismatches.filter((m) => m.kind === 'missing_here')).toHaveLength(101);
    await s.startWorker();
  });
});
