import { TestApp } from '../support/app';
import { brazilSuite, cpfFor, givenBrazilianPlay } from '../support/protection';
import { Signer, signedPost, uniqueId, withdrawBody } from '../support/wallet';

const s = brazilSuite();
let t: TestApp;
let fb: Signer;
beforeAll(async () => {
  ({ t, fb } = s);
});

let n = 100;
const bet = (play: { playerId: string; sessionId: string }) =>
  signedPost(t, fb, '/wallet/withdraw', withdrawBody({ ...play, currency: 'BRL' }, { transactionId: uniqueId('bet'), gameRoundId: uniqueId('round'), amount: 1 }));
const internalId = async (playerId: string) => (await t.db('players').where({ external_id: playerId }).first()).id as string;

/** `minutes` minutes of play earlier this hour, as the wallet marks them (one bit per minute with a bet). */
async function playedThisHour(playerId: string, minutes: number) {
  const hour = (await t.db.raw<{ rows: { hour: Date }[] }>("SELECT date_trunc('hour', now()) AS hour")).rows[0].hour;
  const mask = ((1n << BigInt(minutes)) - 1n).toString();
  await t.db('player_activity_hourly').insert({ player_id: await internalId(playerId), hour, played_minutes: mask })
    .onConflict(['player_id', 'hour']).merge({ played_minutes: mask });
}

describe('the play-time limit', () => {
  it('each bet marks its minute as played', async () => {
    const play = await givenBrazilianPlay(t, 'time-mark', cpfFor(++n));
    await bet(play).expect(200);
    await bet(play).expect(200);
    const rows = await t.db('player_activity_hourly').where({ player_id: await internalId('time-mark') });
    const minutes = rows.reduce((sum, r) => sum + [...BigInt(r.played_minutes).toString(2)].filter((b) => b === '1').length, 0);
    expect(minutes).toBeGreaterThanOrEqual(1);
    expect(minutes).toBeLessThanOrEqual(2); // two bets in one or two minutes
  });

  it('at 80 % an alert is recorded once; at the limit the next bet is refused until the period ends', async () => {
    const play = await givenBrazilianPlay(t, 'time-limit', cpfFor(++n));
    await t.operator('patch', '/players/time-limit', { limits: { timeDay: 50 } }).expect(200);
    await playedThisHour('time-limit', 40);
    await bet(play).expect(200);
    await bet(play).expect(200);
    const { body } = await t.operator('get', '/players/time-limit/protection').expect(200);
    expect(body.alerts).toEqual([expect.objectContaining({ limit: 'time_day', limitMinutes: 50 })]);
    await playedThisHour('time-limit', 50);
    const refused = await bet(play);
    expect(refused.body).toMatchObject({ code: 'ERROR_TRANSACTION_LIMIT_EXCEEDED', description: 'the player reached the day play-time limit (50 minutes)' });
  });

  it('a raise of the time limit waits 24 hours; a decrease applies at once', async () => {
    await givenBrazilianPlay(t, 'time-raise', cpfFor(++n));
    const raised = await t.operator('patch', '/players/time-raise', { limits: { timeDay: 600 } }).expect(200);
    expect(raised.body.limits.timeDay).toEqual({ amount: '240', pending: { amount: '600', effectiveAt: expect.any(String) } });
    const lowered = await t.operator('patch', '/players/time-raise', { limits: { timeDay: 30 } }).expect(200);
    expect(lowered.body.limits.timeDay).toEqual({ amount: '30' });
  });
});

describe('a pause', () => {
  it('refuses bets until it ends, while the account stays reachable', async () => {
    const play = await givenBrazilianPlay(t, 'paused', cpfFor(++n));
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const paused = await t.operator('patch', '/players/paused', { pausedUntil: until }).expect(200);
    expect(paused.body.pausedUntil).toBe(until);
    const refused = await bet(play);
    expect(refused.body).toMatchObject({ code: 'ERROR_BAD_REQUEST_PLAYER_BLOCKED', description: `the player paused play until ${until.replace(/\.\d{3}Z$/, 'Z')}` });
    await signedPost(t, fb, '/wallet/balance', { playerId: 'paused', sessionId: play.sessionId, currency: 'BRL', gameId: 'slot-1' }).expect(200);
    await t.operator('post', '/players/paused/topups', { amount: '5.00', transactionId: 'tu-paused' }).expect(200);
  });

  it('ending a pause early waits 24 hours; lengthening it applies at once', async () => {
    await givenBrazilianPlay(t, 'pause-end', cpfFor(++n));
    const until = Date.now() + 7 * 86_400_000;
    await t.operator('patch', '/players/pause-end', { pausedUntil: new Date(until).toISOString() }).expect(200);
    const ended = await t.operator('patch', '/players/pause-end', { pausedUntil: null }).expect(200);
    const endsAt = Date.parse(ended.body.pausedUntil);
    expect(endsAt).toBeGreaterThan(Date.now() + 23.9 * 3_600_000);
    expect(endsAt).toBeLessThan(Date.now() + 24.1 * 3_600_000);
    const longer = new Date(until + 86_400_000).toISOString();
    expect((await t.operator('patch', '/players/pause-end', { pausedUntil: longer }).expect(200)).body.pausedUntil).toBe(longer);
  });
});
