import { balanceOf, TestApp } from '../support/app';
import { aDayPasses, brazilSuite, cpfFor, givenBrazilianPlay, REQUIRED_LIMITS } from '../support/protection';
import { depositBody, Signer, signedPost, uniqueId, withdrawBody } from '../support/wallet';
import { betBody, givenHub88, hub88Post, txUuid } from '../support/hub88';

const s = brazilSuite();
const sigap = s.sigap;
let t: TestApp;
let fb: Signer;
beforeAll(async () => {
  ({ t, fb } = s);
});
afterEach(() => {
  sigap.outage = undefined;
});

let n = 0;
const nextCpf = () => cpfFor(++n);
const bet = (play: { playerId: string; sessionId: string }, amount = 10, round = uniqueId('round'), finished = false) =>
  signedPost(t, fb, '/wallet/withdraw', withdrawBody({ ...play, currency: 'BRL' }, { transactionId: uniqueId('bet'), gameRoundId: round, amount, finished }));
const checksOf = (cpf: string) => t.db('register_checks').where({ cpf }).orderBy('id');

describe('the SPA register check at registration (JURISDICTION=BR)', () => {
  it('a CPF the register bars is refused with 403 PLAYER_IMPEDED: no player, and the check kept as evidence', async () => {
    const cpf = nextCpf();
    sigap.bar(cpf);
    const res = await t.operator('post', '/players', { playerId: 'br-barred', currency: 'BRL', documentNumber: cpf });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 403, code: 'PLAYER_IMPEDED' });
    expect(await t.db('players').where({ external_id: 'br-barred' })).toHaveLength(0);
    const [evidence] = await checksOf(cpf);
    expect(evidence).toMatchObject({ player_id: null, trigger: 'registration', outcome: 'impeded', reason: 'AUTOEXCLUSAO_CENTRALIZADA', trace_id: res.body.error.traceId });
    expect(JSON.parse(evidence.answer)).toEqual({ cpf, situacao: 'IMPEDIDO', motivo: 'AUTOEXCLUSAO_CENTRALIZADA' });
  });

  it('a player needs a valid CPF to be checked: 400 naming documentNumber', async () => {
    const res = await t.operator('post', '/players', { playerId: 'br-no-cpf', currency: 'BRL' });
    expect({ status: res.status, code: res.body.error.code, field: res.body.error.field }).toEqual({ status: 400, code: 'VALIDATION_ERROR', field: 'documentNumber' });
  });

  it('a permitted CPF opens the account, cleared for the day', async () => {
    const cpf = nextCpf();
    await t.operator('post', '/players', { playerId: 'br-ok', currency: 'BRL', documentNumber: cpf }).expect(201);
    const { body } = await t.operator('get', '/players/br-ok/protection').expect(200);
    expect(body).toMatchObject({ jurisdiction: 'BR', status: 'active', registerState: 'clear', impediment: null });
    expect(body.checks).toEqual([expect.objectContaining({ trigger: 'registration', outcome: 'permitted' })]);
  });
});

describe('the check at the first session of each day', () => {
  it('asks the register once a day: a second session the same day does not ask again', async () => {
    const cpf = nextCpf();
    await givenBrazilianPlay(t, 'br-daily', cpf); // registers, then opens the day's first session
    await t.operator('post', '/players/br-daily/sessions', {}).expect(201);
    expect(sigap.asked.filter((c) => c === cpf)).toHaveLength(2); // the registration's and the first session's
    await aDayPasses(t, 'br-daily');
    await t.operator('post', '/players/br-daily/sessions', {}).expect(201);
    expect((await checksOf(cpf)).map((c) => c.trigger)).toEqual(['registration', 'daily', 'daily']);
  });

  it('the check at registration does not stand in for it: created in the morning, barred at noon, the first session impedes', async () => {
    const cpf = nextCpf();
    await t.operator('post', '/players', { playerId: 'br-same-day', currency: 'BRL', documentNumber: cpf }).expect(201);
    sigap.bar(cpf);
    await t.operator('post', '/players/br-same-day/sessions', {}).expect(201);
    expect((await checksOf(cpf)).map((c) => `${c.trigger}:${c.outcome}`)).toEqual(['registration:permitted', 'daily:impeded']);
    expect((await t.operator('get', '/players/br-same-day/protection').expect(200)).body.status).toBe('impeded');
  });
});

describe('a player without a CPF (created before JURISDICTION=BR)', () => {
  it('opens a session, since there is nothing to ask the register, and may not bet until a CPF is checked', async () => {
    const play = await givenBrazilianPlay(t, 'br-legacy', nextCpf());
    await t.db('players').where({ external_id: 'br-legacy' }).update({ document_number: null, register_state: 'unchecked' });
    await t.operator('post', '/players/br-legacy/sessions', {}).expect(201);
    const refused = await bet(play);
    expect(refused.body).toMatchObject({ code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED', description: 'the SPA register has not cleared the player yet: bets wait for a successful check' });
  });
});

describe('an unreachable register fails closed', () => {
  it.each(['503', 'reset', 'timeout', 'garbage', 'unknown-situacao'] as const)(
    'a register that answers %s: the player exists, bets and deposits wait, and nobody is told the CPF is invalid',
    async (outage) => {
      const playerId = `br-down-${outage}`;
      sigap.outage = outage;
      const created = await t.operator('post', '/players', { playerId, currency: 'BRL', documentNumber: nextCpf() });
      expect(created.status).toBe(201);
      const topup = await t.operator('post', `/players/${playerId}/topups`, { amount: '10.00', transactionId: `tu-${playerId}` });
      expect({ status: topup.status, code: topup.body.error.code }).toEqual({ status: 409, code: 'REGISTER_CHECK_PENDING' });
      expect(topup.body.error.message).not.toMatch(/invalid|inválido/i);
      const { body } = await t.operator('get', `/players/${playerId}/protection`);
      expect(body).toMatchObject({ status: 'active', registerState: 'unreachable', checks: [expect.objectContaining({ outcome: 'unreachable' })] });
      expect(t.logs.some((l) => l.message === 'SPA register unreachable: bets and deposits of the player wait for a successful check' && l.traceId === created.headers['x-trace-id'])).toBe(true);
      expect(await t.db('graphile_worker.jobs').where({ key: `register_recheck:${(await t.db('players').where({ external_id: playerId }).first()).id}` })).toHaveLength(1);
    },
  );

  it('a cleared player whose day check meets an outage may not bet until a re-check succeeds; then play resumes', async () => {
    const play = await givenBrazilianPlay(t, 'br-recover', nextCpf());
    await bet(play).expect(200);
    await aDayPasses(t, 'br-recover');
    sigap.outage = '503';
    const session = await t.operator('post', '/players/br-recover/sessions', {}).expect(201);
    const today = { playerId: 'br-recover', sessionId: session.body.sessionId };
    const refused = await bet(today);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED' });
    const protection = t.app.locals.protection;
    const player = await t.db('players').where({ external_id: 'br-recover' }).first();
    await expect(protection.recheck(player.id)).rejects.toThrow(/still unreachable/); // the queue retries it with backoff
    sigap.outage = undefined;
    expect((await protection.recheck(player.id)).outcome).toBe('permitted');
    await bet(today).expect(200);
    expect(await balanceOf(t, 'br-recover')).toBe('80.00');
  });
});

describe('mandatory limits (Portaria SPA/MF 2.579/2025)', () => {
  it('no loss limit or no play-time limit on file: no bet (LIMITS_REQUIRED)', async () => {
    await t.operator('post', '/players', { playerId: 'br-nolimits', currency: 'BRL', documentNumber: nextCpf() }).expect(201);
    await t.operator('post', '/players/br-nolimits/topups', { amount: '50.00', transactionId: 'tu-nolimits' }).expect(200);
    const session = await t.operator('post', '/players/br-nolimits/sessions', {}).expect(201);
    const play = { playerId: 'br-nolimits', sessionId: session.body.sessionId };
    await t.operator('patch', '/players/br-nolimits', { limits: { loss24h: REQUIRED_LIMITS.loss24h } }).expect(200);
    const refused = await bet(play);
    expect({ code: refused.body.code, description: refused.body.description }).toEqual({
      code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED', description: 'LIMITS_REQUIRED: the player has no loss limit or no play-time limit on file' });
    await t.operator('patch', '/players/br-nolimits', { limits: { timeDay: REQUIRED_LIMITS.timeDay } }).expect(200);
    await bet(play).expect(200);
  });
});

describe('a barred answer at the first session of the day', () => {
  it('impedes at once: open rounds refunded in full, bets and top-ups refused, a win on a finished round still credited', async () => {
    const cpf = nextCpf();
    const play = await givenBrazilianPlay(t, 'br-impeded', cpf, '100.00');
    const finished = uniqueId('round');
    const settled = uniqueId('bet');
    await signedPost(t, fb, '/wallet/withdraw', withdrawBody({ ...play, currency: 'BRL' }, { transactionId: settled, gameRoundId: finished, amount: 30, finished: true })).expect(200);
    await bet(play, 25).expect(200); // an open round
    expect(await balanceOf(t, 'br-impeded')).toBe('45.00');
    sigap.bar(cpf);
    await aDayPasses(t, 'br-impeded');
    await t.operator('post', '/players/br-impeded/sessions', {}).expect(201);
    expect(await balanceOf(t, 'br-impeded')).toBe('70.00'); // the open round's 25 back
    const refused = await bet(play);
    expect(refused.body).toMatchObject({ code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED', description: 'the player is barred by the SPA register of impeded bettors' });
    const topup = await t.operator('post', '/players/br-impeded/topups', { amount: '10.00', transactionId: 'tu-impeded' });
    expect({ status: topup.status, code: topup.body.error.code }).toEqual({ status: 403, code: 'PLAYER_IMPEDED' });
    const retried = await t.operator('post', '/players/br-impeded/topups', { amount: '100.00', transactionId: 'seed-br-impeded' });
    expect({ status: retried.status, balance: retried.body.balance }).toEqual({ status: 200, balance: '100.00' }); // the first answer, replayed
    await signedPost(t, fb, '/wallet/deposit', depositBody({ ...play, currency: 'BRL' }, { transactionId: uniqueId('win'), withdrawTransactionId: settled, gameRoundId: finished, amount: 12 })).expect(200);
    expect(await balanceOf(t, 'br-impeded')).toBe('82.00');
    const { body } = await t.operator('get', '/players/br-impeded/protection').expect(200);
    expect(body).toMatchObject({ status: 'impeded', impediment: { reason: 'AUTOEXCLUSAO_CENTRALIZADA', roundsCancelled: 1, stakesRefunded: '25.00', closedAt: null,
      deadlines: { notice: true, closed: null, returned: null } } });
    expect(body.impediment.notice).toMatch(/impedido de apostar/);
    const unblock = await t.operator('patch', '/players/br-impeded', { status: 'active' });
    expect({ status: unblock.status, code: unblock.body.error.code }).toEqual({ status: 409, code: 'PLAYER_IMPEDED' });
  });
});

describe('a barred player under Hub88\'s contract', () => {
  it('a bet is refused with RS_ERROR_USER_DISABLED and the balance; a win on a closed round is still RS_OK', async () => {
    const hub88 = await givenHub88(t);
    const cpf = nextCpf();
    await givenBrazilianPlay(t, 'br-hub88', cpf, '50.00');
    const session = await t.operator('post', '/players/br-hub88/sessions', { aggregator: 'hub88' }).expect(201);
    const play = { user: 'br-hub88', token: session.body.sessionId as string, currency: 'BRL' };
    const settled = txUuid('bet');
    const round = `round-${settled}`;
    expect((await hub88Post(t, hub88, '/transaction/bet', betBody(play, { tx: settled, amount: 1_000_000, round, closed: true })).expect(200)).body.status).toBe('RS_OK');
    sigap.bar(cpf);
    await aDayPasses(t, 'br-hub88');
    await t.operator('post', '/players/br-hub88/sessions', { aggregator: 'hub88' }).expect(201); // the day's check: impeded
    const refused = await hub88Post(t, hub88, '/transaction/bet', betBody(play, { tx: txUuid('bet'), amount: 100_000 })).expect(200);
    expect(refused.body).toMatchObject({ status: 'RS_ERROR_USER_DISABLED', balance: 4_000_000 });
    const won = await hub88Post(t, hub88, '/transaction/win', { user: play.user, token: play.token, currency: 'BRL', transaction_uuid: txUuid('win'),
      game_code: 'clt_dragonrising', round, round_closed: true, amount: 500_000, reference_transaction_uuid: settled }).expect(200);
    expect(won.body).toMatchObject({ status: 'RS_OK', balance: 4_500_000 });
  });
});
