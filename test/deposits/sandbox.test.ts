import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp, withTextBody } from '../support/app';
import { createLogger } from '../../src/log';
import { depositJobs } from '../../src/deposits';
import { startWorker, Worker } from '../../src/jobs';
import { PLAYER_CPF } from '../support/payouts';
import { staffAccount, asStaff } from '../support/staff';
import { eventually } from '../support/eventually';

// The sandbox's charges are paid a second after they are made; the engine polls them with the schedule shrunk a
// thousandfold, which also makes a charge's 30 minutes 1.8 s.
let t: TestApp;
let worker: Worker;
beforeAll(async () => {
  t = await startTestApp({
    payouts: { providers: { sandbox: { baseUrl: 'sandbox:' } }, defaultProvider: 'sandbox', minAmount: '1.00', maxAmount: '5000.00', pollTimeScale: 0.001 },
  });
  worker = await startWorker({ databaseUrl: t.url, jobs: [depositJobs(t.app.locals.depositEngine)], logger: createLogger('error'), pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker.stop();
  await expectSoundLedger(t);
  await t.close();
});

let n = 0;
async function brlPlayer(): Promise<string> {
  return givenPlayer(t, `dep-${++n}`, { currency: 'BRL', documentNumber: PLAYER_CPF });
}

async function deposit(playerId: string, amount: string, transactionId = `dep-tx-${++n}`) {
  return t.operator('post', `/players/${playerId}/deposits`, { amount, transactionId });
}

function settled(depositId: string, within = 10_000) {
  return eventually(`deposit ${depositId}, settling`, async () => (await t.operator('get', `/deposits/${depositId}`)).body,
    (body) => !['created', 'pending'].includes(body.status), { within, every: 50 });
}

describe('POST /operator/players/:playerId/deposits (the sandbox)', () => {
  it('answers 201 with a pending charge: its BR Code as QR and copia-e-cola, and when it expires', async () => {
    const playerId = await brlPlayer();
    const res = await deposit(playerId, '50.00');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ playerId, status: 'pending', amount: '50.00', currency: 'BRL', provider: 'sandbox' });
    expect(res.body.qrCode).toMatch(/^000201.*br\.gov\.bcb\.pix.*540550\.00.*6304[0-9A-F]{4}$/);
    expect(res.body.copyPaste).toBe(res.body.qrCode);
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('credits a whole amount once the provider says the player paid: created, pending, paid, credited', async () => {
    const playerId = await brlPlayer();
    const { body } = await deposit(playerId, '75.00');
    const done = await settled(body.depositId);
    expect(done.status).toBe('credited');
    expect(done.payerShownBy).toBe('payer_document');
    expect(done.history.map((h: { to: string }) => h.to)).toEqual(['created', 'pending', 'paid', 'credited']);
    expect(await balanceOf(t, playerId)).toBe('75.00');
  });

  it('answers a repeated transactionId with the same deposit, and refuses it with another body', async () => {
    const playerId = await brlPlayer();
    const first = await deposit(playerId, '20.00', 'dep-same');
    const again = await deposit(playerId, '20.00', 'dep-same');
    expect(again.status).toBe(201);
    expect(again.body.depositId).toBe(first.body.depositId);
    const other = await deposit(playerId, '21.00', 'dep-same');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await t.db('deposits').where({ transaction_id: 'dep-same' }).count('* as n').first()).toEqual({ n: '1' });
  });

  it('refuses bad input with a documented code and makes no deposit', async () => {
    const brl = await brlPlayer();
    const eur = await givenPlayer(t, `dep-eur-${++n}`, { currency: 'EUR' });
    const noCpf = await givenPlayer(t, `dep-nocpf-${++n}`, { currency: 'BRL' });
    const cases: [string, object, number, string][] = [
      ['nobody', { amount: '10.00', transactionId: 'bad-1' }, 404, 'PLAYER_NOT_FOUND'],
      [eur, { amount: '10.00', transactionId: 'bad-2' }, 400, 'DEPOSIT_CURRENCY'],
      [noCpf, { amount: '10.00', transactionId: 'bad-3' }, 400, 'PLAYER_DOCUMENT_MISSING'],
      [brl, { amount: '0', transactionId: 'bad-4' }, 400, 'VALIDATION_ERROR'],
      [brl, { amount: '-5.00', transactionId: 'bad-5' }, 400, 'VALIDATION_ERROR'],
      [brl, { amount: '10.001', transactionId: 'bad-6' }, 400, 'VALIDATION_ERROR'],
      [brl, { amount: '10.00', transactionId: 'bad-7', provider: 'jumppag' }, 400, 'PROVIDER_NOT_CONFIGURED'],
      [brl, { amount: '10.00', transactionId: 'bad-8', provider: 'boleto' }, 400, 'VALIDATION_ERROR'],
    ];
    for (const [playerId, body, status, code] of cases) {
      const res = await t.operator('post', `/players/${playerId}/deposits`, body);
      expect(`${JSON.stringify(body)} ${res.status} ${res.body.error?.code}`).toBe(`${JSON.stringify(body)} ${status} ${code}`);
    }
    expect(await t.db('deposits').whereLike('transaction_id', 'bad-%').count('* as n').first()).toEqual({ n: '0' });
  });
});

describe('a payer who is not the player (.95: paid from another CPF)', () => {
  it('is held, never credited, and returned only when a second person approves', async () => {
    const playerId = await brlPlayer();
    const { body } = await deposit(playerId, '40.95');
    const held = await settled(body.depositId);
    expect(held.status).toBe('held');
    expect(held.heldReason).toMatch(/third party/);
    expect(await balanceOf(t, playerId)).toBe('0.00');
    await expectSoundLedger(t);

    const finance = await staffAccount(t, 'finance');
    const approver = await staffAccount(t, 'finance');
    const asked = await asStaff(t, finance.token, 'post', `/deposits/${body.depositId}/return`, { note: 'returned by the provider, ticket 17' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ kind: 'deposit_return', depositId: body.depositId, amount: '40.95', status: 'pending' });
    expect((await asStaff(t, finance.token, 'post', `/deposits/${body.depositId}/return`, { note: 'again' })).body.error.code).toBe('DEPOSIT_RETURN_REQUESTED');
    expect((await asStaff(t, finance.token, 'post', `/approvals/${asked.body.approvalId}/approve`, { note: 'me' })).body.error.code).toBe('SELF_APPROVAL');
    await asStaff(t, approver.token, 'post', `/approvals/${asked.body.approvalId}/approve`, { note: 'checked the refund' }).expect(200);
    const returned = (await t.operator('get', `/deposits/${body.depositId}`)).body;
    expect(returned.status).toBe('returned');
    expect(returned.history.map((h: { to: string }) => h.to)).toEqual(['created', 'pending', 'paid', 'held', 'returned']);
    expect(await balanceOf(t, playerId)).toBe('0.00');
    await expectSoundLedger(t);
  });
});

describe('a charge never paid (.90)', () => {
  it('expires when the provider says so, and moves nothing', async () => {
    const playerId = await brlPlayer();
    const { body } = await deposit(playerId, '30.90');
    const done = await settled(body.depositId);
    expect(done.status).toBe('expired');
    expect(await balanceOf(t, playerId)).toBe('0.00');
  });
});

describe('deposit limits (as the loss limits: lower at once, higher after 24 hours)', () => {
  it('refuses a deposit that would pass the 24-hour limit, counting charges still on their way', async () => {
    const playerId = await brlPlayer();
    await t.operator('patch', `/players/${playerId}`, { limits: { deposit24h: '100.00' } }).expect(200);
    expect((await deposit(playerId, '60.00')).status).toBe(201);
    const over = await deposit(playerId, '50.00');
    expect(over.status).toBe(403);
    expect(over.body.error.code).toBe('DEPOSIT_LIMIT');
    expect((await deposit(playerId, '40.00')).status).toBe(201);
    expect((await t.operator('get', `/players/${playerId}`)).body.limits.deposit24h).toEqual({ amount: '100.00' });
  });
});

describe('a player who may take no money in', () => {
  it('a blocked player gets 403 DEPOSIT_NOT_ALLOWED and no charge is made', async () => {
    const playerId = await brlPlayer();
    await t.operator('patch', `/players/${playerId}`, { status: 'blocked' }).expect(200);
    const res = await deposit(playerId, '10.00');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('DEPOSIT_NOT_ALLOWED');
  });

  it('a player blocked between the charge and the payment has the money held, not credited', async () => {
    const playerId = await brlPlayer();
    await worker.stop();
    const { body } = await deposit(playerId, '12.00');
    await t.operator('patch', `/players/${playerId}`, { status: 'blocked' }).expect(200);
    worker = await startWorker({ databaseUrl: t.url, jobs: [depositJobs(t.app.locals.depositEngine)], logger: createLogger('error'), pollIntervalMs: 50 });
    const held = await settled(body.depositId);
    expect(held.status).toBe('held');
    expect(held.heldReason).toMatch(/blocked/);
  });
});

describe('GET /operator/deposits', () => {
  it("lists a player's deposits newest first, by state", async () => {
    const playerId = await brlPlayer();
    const a = (await deposit(playerId, '11.00')).body.depositId;
    const b = (await deposit(playerId, '12.00')).body.depositId;
    const { body } = await t.operator('get', `/deposits?playerId=${playerId}`).expect(200);
    expect(body.deposits.map((d: { depositId: string }) => d.depositId)).toEqual([b, a]);
    expect((await t.operator('get', '/deposits?status=nonsense')).status).toBe(400);
  });
});

describe('where deposits show', () => {
  it("the summary counts a player's credited, held and returned deposits, the SIGAP day file has the credit, and /metrics counts deposits by state", async () => {
    const playerId = await brlPlayer();
    const credited = await settled((await deposit(playerId, '70.00')).body.depositId);
    const held = await settled((await deposit(playerId, '5.95')).body.depositId);
    expect([credited.status, held.status]).toEqual(['credited', 'held']);
    const { body } = await t.operator('get', '/reports/summary?groupBy=player').expect(200);
    expect(body.rows.find((r: { playerId: string }) => r.playerId === playerId)).toMatchObject({
      depositsCredited: '70.00', depositsCreditedCount: 1, depositsHeld: '5.95', depositsHeldCount: 1, depositsReturned: '0.00', depositsReturnedCount: 0,
    });
    const day = new Date().toISOString().slice(0, 10);
    const sigap = await withTextBody(t.operator('get', `/reports/sigap?date=${day}`));
    expect(String(sigap.body).split('\r\n').filter((line) => line.includes(playerId) && line.includes('deposit_credit'))).toHaveLength(1);
    const metrics = (await t.http.get('/metrics')).text;
    expect(metrics).toMatch(/^wallet_deposits\{status="credited"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^wallet_ledger_system_balance_minor\{kind="payin_held",currency="BRL"\} \d+$/m);
  });
});

describe('GET /operator/deposits/:depositId/qr (an SVG image) and /operator/deposit-providers', () => {
  it("draws the charge's BR Code as an SVG QR image, and names the providers that take deposits with how each shows the payer", async () => {
    const playerId = await brlPlayer();
    const { body } = await deposit(playerId, '9.00');
    const image = await t.operator('get', `/deposits/${body.depositId}/qr`).expect(200);
    expect(image.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(image.body ?? image.text)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const missing = await t.operator('get', '/deposits/00000000-0000-4000-8000-000000000000/qr');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'DEPOSIT_NOT_FOUND']);
    expect((await t.operator('get', '/deposit-providers').expect(200)).body).toEqual({ providers: [{ name: 'sandbox', default: true, payerShownBy: 'payer_document' }] });
  });
});
