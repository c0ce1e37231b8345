import { balanceOf, TestApp } from '../support/app';
import { aDayPasses, brazilSuite, cpfFor, givenBrazilianPlay } from '../support/protection';
import { depositBody, Signer, signedPost, uniqueId, withdrawBody } from '../support/wallet';
import { dayIn } from '../../src/protection';

const s = brazilSuite();
const sigap = s.sigap;
let t: TestApp;
let fb: Signer;
beforeAll(async () => {
  ({ t, fb } = s);
});

const today = () => dayIn('America/Sao_Paulo', new Date());
const exportOf = (date: string) => t.operator('get', `/reports/sigap?date=${encodeURIComponent(date)}`);
const parse = (csv: string) => {
  const [header, ...lines] = csv.trim().split('\r\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell])));
};

describe('GET /operator/reports/sigap: a day\'s movements and status changes', () => {
  beforeAll(async () => {
    const cpf = cpfFor(700);
    const play = await givenBrazilianPlay(t, 'sigap-1', cpf, '100.00');
    const round = uniqueId('round');
    const bet = uniqueId('bet');
    await signedPost(t, fb, '/wallet/withdraw', withdrawBody({ ...play, currency: 'BRL' }, { transactionId: bet, gameRoundId: round, amount: 30 })).expect(200);
    await signedPost(t, fb, '/wallet/deposit', depositBody({ ...play, currency: 'BRL' }, { transactionId: uniqueId('win'), withdrawTransactionId: bet, gameRoundId: round, amount: 45 })).expect(200);
    sigap.bar(cpf);
    await aDayPasses(t, 'sigap-1');
    await t.operator('post', '/players/sigap-1/sessions', {}).expect(201); // impeded today
    expect(await balanceOf(t, 'sigap-1')).toBe('115.00');
  });

  it('the same day twice is the same bytes', async () => {
    const first = await exportOf(today()).expect(200);
    const second = await exportOf(today()).expect(200);
    expect(first.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(second.text).toBe(first.text);
    expect(first.headers['x-row-count']).toBe(String(parse(first.text).length));
  });

  it('carries every movement of the day, whose totals equal the ledger\'s for that day, and the status change with its SPA code', async () => {
    const rows = parse((await exportOf(today()).expect(200)).text);
    const mine = rows.filter((r) => r.playerId === 'sigap-1');
    expect(mine.filter((r) => r.record === 'movement').map((r) => `${r.kind} ${r.amount} ${r.balanceAfter}`)).toEqual(['topup 100.00 100.00', 'bet -30.00 70.00', 'win 45.00 115.00']);
    expect(mine.filter((r) => r.record === 'status').map((r) => `${r.status} ${r.sigapStatus}`)).toEqual(['active 1', 'impeded 4']);
    const { rows: [ledger] } = await t.db.raw(`SELECT coalesce(sum(CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount END), 0)::text AS net, count(*)::int AS n
      FROM ledger_movements t JOIN accounts a ON a.kind = 'player_cash' AND a.id IN (t.debit_account_id, t.credit_account_id)
      WHERE t.created_at >= (?::date)::timestamp AT TIME ZONE 'America/Sao_Paulo' AND t.created_at < (?::date + 1)::timestamp AT TIME ZONE 'America/Sao_Paulo'`, [today(), today()]);
    const movements = rows.filter((r) => r.record === 'movement');
    expect(movements).toHaveLength(ledger.n);
    const net = movements.reduce((sum, r) => sum + BigInt(r.amount.replace('.', '')), 0n);
    expect(net.toString()).toBe(ledger.net);
  });

  it('a day with nothing gives the header alone; an impossible date is a 400 naming date', async () => {
    const empty = await exportOf('2001-01-01').expect(200);
    expect(empty.text).toBe('record,occurredAt,sequence,playerId,cpf,kind,amount,balanceAfter,currency,reference,gameId,roundId,status,sigapStatus\r\n');
    for (const date of ['2026-02-30', '2026-13-01', 'yesterday', '']) {
      const res = await exportOf(date);
      expect({ date, status: res.status, field: res.body.error?.field }).toEqual({ date, status: 400, field: 'date' });
    }
  });
});
