import { formulaSafe } from '../../src/reports/table';
import { givenPlayer, startTestApp, TestApp, withTextBody } from '../support/app';
import { playRound } from '../support/history';
import { PLAYER_CPF } from '../support/payouts';
import { asStaff, StaffAccount, staffAccount } from '../support/staff';
import { givenAggregator, givenPlay, PUBLIC_URL, Signer } from '../support/wallet';

let t: TestApp;
let fb: Signer;
const staff: Record<string, StaffAccount> = {};
beforeAll(async () => {
  t = await startTestApp({ walletPublicUrl: PUBLIC_URL });
  fb = await givenAggregator(t);
  for (const role of ['viewer', 'support', 'finance']) staff[role] = await staffAccount(t, role);
  await givenPlayer(t, 'cpf-holder', { currency: 'BRL', documentNumber: '432.782.438-03' });
});
afterAll(() => t.close());

describe('CPFs by role (pii.read)', () => {
  it('viewer and support see a player\'s CPF masked; finance sees it whole', async () => {
    for (const role of ['viewer', 'support']) {
      const { body } = await asStaff(t, staff[role].token, 'get', '/players/cpf-holder').expect(200);
      expect(body.documentNumber).toBe('***.***.438-03');
    }
    expect((await asStaff(t, staff.finance.token, 'get', '/players/cpf-holder').expect(200)).body.documentNumber).toBe('432.782.438-03');
  });

  it('only finance and admin export the SIGAP day file, which holds every CPF', async () => {
    const viewer = await asStaff(t, staff.viewer.token, 'get', '/reports/sigap?date=2026-12-01');
    expect({ status: viewer.status, code: viewer.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(viewer.body.error.message).toContain('pii.read');
    expect((await withTextBody(asStaff(t, staff.finance.token, 'get', '/reports/sigap?date=2026-12-01'))).status).toBe(200);
  });

  it('a CPF PIX key and a payout beneficiary are masked too', async () => {
    await givenPlayer(t, 'payee', { currency: 'BRL', documentNumber: PLAYER_CPF });
    expect((await asStaff(t, staff.viewer.token, 'get', '/players/payee').expect(200)).body.documentNumber).toBe('***.***.438-03');
  });
});

describe('CSV exports a person opens in a spreadsheet', () => {
  it('neutralise a cell that would run as a formula, and leave numbers as they are', () => {
    expect(formulaSafe('=HYPERLINK("http://evil.example","x")')).toBe('\'=HYPERLINK("http://evil.example","x")');
    for (const cell of ['+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(formulaSafe(cell)).toBe(`'${cell}`);
    for (const cell of ['-5.00', '+3', '12.50', 'round-1', '']) expect(formulaSafe(cell)).toBe(cell);
  });

  it('a round id an aggregator sent as a formula comes out of the rounds report as text', async () => {
    const play = await givenPlay(t, 'spreadsheet', '100.00');
    await playRound(t, fb, { play, round: '=1+cmd|calc', bet: 1, then: 0 });
    const csv = (await withTextBody(asStaff(t, staff.finance.token, 'get', '/reports/rounds?format=csv&playerId=spreadsheet'))).body as string;
    expect(csv).toContain(",'=1+cmd|calc,");
    expect(csv).not.toMatch(/(^|,)=1\+cmd/m);
  });
});
