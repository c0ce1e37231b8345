import { auditChainBreaks } from '../../src/audit';
import { givenPlayer, startTestApp, TestApp, withTextBody } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await givenPlayer(t, 'aud-1', { currency: 'BRL', balance: '10.00' });
});
afterAll(() => t.close());

const rows = async () => Number((await t.db('audit_log').count<{ n: string }[]>('* as n'))[0].n);

describe('the audit trail', () => {
  it('a change writes its row in its own transaction: a refused one leaves none', async () => {
    const before = await rows();
    await t.operator('post', '/players/aud-1/adjustments', { amount: '-50.00', reason: 'too much', transactionId: 'aud-refused' }).expect(400);
    expect(await rows()).toBe(before);
    await t.operator('post', '/players/aud-1/adjustments', { amount: '-1.00', reason: 'fee', transactionId: 'aud-ok' }).expect(200);
    expect(await rows()).toBe(before + 1);
  });

  it('is append-only: UPDATE and DELETE are refused to the server\'s role by its rights, and to the owner by the trigger', async () => {
    await expect(t.db('audit_log').update({ action: 'nothing.happened' })).rejects.toThrow(/permission denied for table audit_log/);
    await expect(t.db('audit_log').delete()).rejects.toThrow(/permission denied for table audit_log/);
    await expect(t.owner('audit_log').update({ action: 'nothing.happened' })).rejects.toThrow(/append-only/);
    await expect(t.owner('audit_log').delete()).rejects.toThrow(/append-only/);
  });

  it('is chained: sound as written, and a row edited or removed by hand is found', async () => {
    for (let i = 0; i < 3; i += 1) await t.operator('post', '/players/aud-1/topups', { amount: '1.00', transactionId: `aud-chain-${i}` }).expect(200);
    expect(await auditChainBreaks(t.db)).toEqual([]);
    const [newest, second, third] = (await t.db('audit_log').orderBy('id', 'desc').limit(3).pluck('id')).map(String);
    await t.owner.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    try {
      await t.owner('audit_log').where({ id: newest }).update({ details: JSON.stringify({ transactionId: 'aud-chain-2', amount: '100000' }) });
      await t.owner('audit_log').where({ id: third }).delete();
    } finally {
      await t.owner.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    }
    expect(await auditChainBreaks(t.db)).toEqual([
      { id: second, reason: 'the row before it is not the one it was chained to (a row removed or inserted)' },
      { id: newest, reason: 'its content is not what it was when written' },
    ]);
  });
});

describe('GET /operator/audit', () => {
  it('lists who did what, filtered by actor and action, as JSON pages or CSV', async () => {
    const page = (await t.operator('get', '/audit?action=player.topup&actor=bootstrap&limit=2').expect(200)).body;
    expect(page.rows).toHaveLength(2);
    expect(page.rows[0]).toMatchObject({ action: 'player.topup', actor: 'bootstrap', actorRole: 'admin', playerId: 'aud-1' });
    const update = await t.operator('patch', '/players/aud-1', { realityCheckPending: false }).expect(200);
    const updated = (await t.operator('get', '/audit?action=player.update').expect(200)).body.rows.at(-1);
    expect(updated.traceId).toBe(update.headers['x-trace-id']); // the request's trace id, even where the service does not pass it
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = (await t.operator('get', `/audit?action=player.topup&actor=bootstrap&limit=2&cursor=${page.nextCursor}`).expect(200)).body;
    expect(Number(next.rows[0].id)).toBeGreaterThan(Number(page.rows[1].id));
    const csv = await withTextBody(t.operator('get', '/audit?action=player.adjustment&format=csv'));
    expect(csv.body.split('\r\n')[0]).toBe('id,at,actor,actorEmail,actorRole,action,playerId,details,traceId');
    expect(csv.body).toContain('player.adjustment');
  });
});
