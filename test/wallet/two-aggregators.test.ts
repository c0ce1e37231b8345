import { balanceOf } from '../support/app';
import { betBody, givenHub88, hub88Post, Hub88Signer } from '../support/hub88';
import { depositBody, signedPost, walletSuite, withdrawBody } from '../support/wallet';

const s = walletSuite();
let hub: Hub88Signer;
beforeAll(async () => {
  hub = await givenHub88(s.t);
});

describe('one player, two aggregators, one ledger', () => {
  it('money moved alternately through Fizzy Bubbly and Hub88 adds up, and each keeps its own ids and rounds', async () => {
    await s.t.operator('post', '/players', { playerId: 'both', currency: 'EUR' }).expect(201);
    await s.t.operator('post', '/players/both/topups', { amount: '100.00', transactionId: 'both-seed' }).expect(200);
    const fbSession = (await s.t.operator('post', '/players/both/sessions', {}).expect(201)).body.sessionId;
    const hubToken = (await s.t.operator('post', '/players/both/sessions', { aggregator: 'hub88' }).expect(201)).body.sessionId;
    const fb = { playerId: 'both', sessionId: fbSession };
    const h88 = { user: 'both', token: hubToken, currency: 'EUR' };
    let cents = 10_000;
    for (let i = 0; i < 5; i += 1) {
      // the same id string in both contracts: two transactions, not a duplicate
      const id = `shared-${i}`;
      expect((await signedPost(s.t, s.fb, '/wallet/withdraw', withdrawBody(fb, { transactionId: id, gameRoundId: `fb-r${i}`, amount: 2 }))).status).toBe(200);
      expect((await signedPost(s.t, s.fb, '/wallet/deposit', depositBody(fb, { transactionId: `${id}-win`, withdrawTransactionId: id, gameRoundId: `fb-r${i}`, amount: 1 }))).status).toBe(200);
      cents += -200 + 100;
      expect((await hub88Post(s.t, hub, '/transaction/bet', betBody(h88, { tx: id, amount: 300000, round: `h-r${i}` }))).body.status).toBe('RS_OK');
      const won = await hub88Post(s.t, hub, '/transaction/win', { ...betBody(h88, { tx: `${id}-win`, amount: 500000, round: `h-r${i}`, closed: true }), reference_transaction_uuid: id });
      cents += -300 + 500;
      expect(won.body).toMatchObject({ status: 'RS_OK', balance: cents * 1000 });
    }
    expect(await balanceOf(s.t, 'both')).toBe((cents / 100).toFixed(2));
    const rounds = async (aggregator: string) => (await s.t.operator('get', `/reports/rounds?playerId=both&aggregator=${aggregator}`).expect(200)).body.rows;
    expect((await rounds('fizzy-bubbly')).map((r: { roundId: string }) => r.roundId).sort()).toEqual(['fb-r0', 'fb-r1', 'fb-r2', 'fb-r3', 'fb-r4']);
    expect((await rounds('hub88')).map((r: { roundId: string; net: string }) => [r.roundId, r.net]).sort()).toEqual([0, 1, 2, 3, 4].map((i) => [`h-r${i}`, '-2.00']));
    const summary = (await s.t.operator('get', '/reports/summary?groupBy=player').expect(200)).body.rows.find((r: { playerId: string }) => r.playerId === 'both');
    expect(summary).toMatchObject({ bets: '25.00', wins: '30.00', ggr: '-5.00', rounds: 10 });
  });
});
