import { describeLedgerReport, LedgerProblem } from '../../src/ledger';
import { ndjson, TestApp } from '../support/app';
import { payoutIn, playRound, startHistoryApp } from '../support/history';
import { PLAYER_CPF } from '../support/payouts';
import { givenAggregator, givenPlay, Signer } from '../support/wallet';

let t: TestApp;
let fb: Signer;

beforeAll(async () => {
  t = await startHistoryApp();
  fb = await givenAggregator(t);
  const eve = await givenPlay(t, 'eve', '100.00');
  await playRound(t, fb, { play: eve, round: 'e1', bet: 10, then: 15 });
  await playRound(t, fb, { play: eve, round: 'e2', bet: 5, then: 'rollback' });
  await t.operator('post', '/players', { playerId: 'pix', currency: 'BRL', documentNumber: PLAYER_CPF }).expect(201);
  await t.operator('post', '/players/pix/topups', { amount: '500.00', transactionId: 'pix-topup' }).expect(200);
  await payoutIn(t, 'pix', PLAYER_CPF, '100.00', 'succeeded');
  await t.owner.raw(`CREATE TABLE kept_win AS SELECT * FROM wallet_transactions WHERE transaction_id = 'e1-win'`);
});

afterAll(() => t.close());

async function problems(): Promise<LedgerProblem[]> {
  const res = await t.operator('get', '/reports/ledger-check').expect(200);
  expect(res.body.sound).toBe(res.body.problems.length === 0);
  return res.body.problems;
}

/** Plants a fault with `sql` as the tables' owner, returns what the check found, and takes the fault back with `undo`. */
async function withFault(sql: string, undo: string): Promise<LedgerProblem[]> {
  await t.owner.raw(sql);
  try {
    return await problems();
  } finally {
    await t.owner.raw(undo);
  }
}

/** The win e1-win as a wallet call wrote it before migration 022: a transfer row of its own, which its wallet row points at. */
const WIN_AS_TRANSFER = `
  INSERT INTO transfers (id, idempotency_key, kind, currency, amount, debit_account_id, credit_account_id,
                         debit_balance_after, credit_balance_after, reference, created_at)
  SELECT id, idempotency_key, kind, currency, amount, debit_account_id, credit_account_id, debit_balance_after,
         credit_balance_after, reference, created_at FROM wallet_movements WHERE reference = 'e1-win';
  UPDATE wallet_transactions SET transfer_id = id, debit_account_id = NULL, credit_account_id = NULL,
    debit_balance_after = NULL, credit_balance_after = NULL WHERE transaction_id = 'e1-win'`;
/** The win back in its wallet row, as the routine wrote it (kept_win, saved before any fault). */
const WIN_RESTORED = `
  DELETE FROM transfers WHERE reference = 'e1-win';
  UPDATE wallet_transactions w SET transfer_id = NULL, debit_account_id = k.debit_account_id, credit_account_id = k.credit_account_id,
    debit_balance_after = k.debit_balance_after, credit_balance_after = k.credit_balance_after FROM kept_win k WHERE w.id = k.id`;

const cashAccountOf = (playerId: string) =>
  `(SELECT a.id FROM accounts a JOIN players p ON p.id = a.player_id WHERE p.external_id = '${playerId}')`;

describe('GET /operator/reports/ledger-check', () => {
  it('finds a ledger built by real calls sound, with its size and time', async () => {
    const res = await t.operator('get', '/reports/ledger-check').expect(200);
    expect(res.body).toMatchObject({ sound: true, problems: [] });
    expect(res.body.transfers).toBeGreaterThanOrEqual(7);
    expect(typeof res.body.ms).toBe('number');
  });

  it('catches a corrupted balance: the cached balance and the currency sum no longer add up', async () => {
    const found = await withFault(
      `UPDATE accounts SET balance = balance + 1 WHERE id = ${cashAccountOf('eve')}`,
      `UPDATE accounts SET balance = balance - 1 WHERE id = ${cashAccountOf('eve')}`,
    );
    expect(found.map((p) => p.check).sort()).toEqual(['cached_balance', 'currency_sum']);
    expect(found.find((p) => p.check === 'cached_balance')!.detail).toMatchObject({ cached: '10501', fromTransfers: '10500' });
    expect(found.find((p) => p.check === 'currency_sum')!.detail).toEqual({ currency: 'EUR', total: '1' });
  });

  it('catches a missing movement: the win moved nothing and both balances disagree with their movements', async () => {
    const found = await withFault(`${WIN_AS_TRANSFER}; DELETE FROM transfers WHERE reference = 'e1-win'`, WIN_RESTORED);
    expect(found.map((p) => p.check).sort()).toEqual(['cached_balance', 'cached_balance', 'dangling_reference', 'missing_transfer']);
    expect(found.find((p) => p.check === 'missing_transfer')!.detail).toEqual({ kind: 'deposit', transactionId: 'e1-win' });
  });

  it('proves a wallet movement written before migration 022, as a transfer of its own, the same as one in its wallet row', async () => {
    expect(await withFault(WIN_AS_TRANSFER, WIN_RESTORED)).toEqual([]);
  });

  it('catches a wallet movement taken out of its row', async () => {
    const found = await withFault(
      `UPDATE wallet_transactions SET debit_account_id = NULL, credit_account_id = NULL WHERE transaction_id = 'e1-win'`,
      WIN_RESTORED,
    );
    expect(found.map((p) => p.check).sort()).toEqual(['cached_balance', 'cached_balance', 'missing_transfer']);
  });

  it("catches a win credited to another player's account, though every balance agrees with its movements", async () => {
    const found = await withFault(
      `UPDATE wallet_transactions SET credit_account_id = ${cashAccountOf('pix')} WHERE transaction_id = 'e1-win'`,
      WIN_RESTORED,
    );
    expect(found).toContainEqual({ check: 'missing_transfer', detail: { kind: 'deposit', transactionId: 'e1-win' } });
  });

  it('catches a refused call that moved money', async () => {
    const found = await withFault(
      `UPDATE wallet_transactions SET response_status = 400 WHERE transaction_id = 'e1-win'`,
      `UPDATE wallet_transactions SET response_status = 200 WHERE transaction_id = 'e1-win'`,
    );
    expect(found).toEqual([{ check: 'missing_transfer', detail: { kind: 'deposit', transactionId: 'e1-win' } }]);
  });

  it('catches a negative player balance', async () => {
    const found = await withFault(
      `ALTER TABLE accounts DROP CONSTRAINT accounts_balance_floor;
       UPDATE accounts SET balance = -balance WHERE id = ${cashAccountOf('eve')}`,
      `UPDATE accounts SET balance = -balance WHERE id = ${cashAccountOf('eve')};
       ALTER TABLE accounts ADD CONSTRAINT accounts_balance_floor CHECK (allow_negative OR balance >= 0)`,
    );
    expect(found.map((p) => p.check)).toContain('negative_balance');
  });

  it('catches a withdraw refunded but not marked rolled back', async () => {
    const found = await withFault(
      `UPDATE wallet_transactions SET rolled_back_by = NULL WHERE transaction_id = 'e2-bet'`,
      `UPDATE wallet_transactions SET rolled_back_by = 'e2-rb' WHERE transaction_id = 'e2-bet'`,
    );
    expect(found).toEqual([{ check: 'withdraw_refunds', detail: { transactionId: 'e2-bet', refunds: '1', markedRolledBack: 'false' } }]);
  });

  it('catches a withdraw both refunded and paid', async () => {
    const found = await withFault(
      `UPDATE wallet_transactions SET rolled_back_by = 'e2-rb' WHERE transaction_id = 'e1-bet'`,
      `UPDATE wallet_transactions SET rolled_back_by = NULL WHERE transaction_id = 'e1-bet'`,
    );
    expect(found).toContainEqual({ check: 'withdraw_refunded_and_paid', detail: { transactionId: 'e1-bet' } });
  });

  it("catches a payout whose state disagrees with its ledger movements", async () => {
    const found = await withFault(
      `UPDATE payouts SET status = 'failed' WHERE transaction_id = 'po-succeeded-100.00'`,
      `UPDATE payouts SET status = 'succeeded' WHERE transaction_id = 'po-succeeded-100.00'`,
    );
    expect(found).toEqual([
      { check: 'payout_movements', detail: { payoutId: expect.any(String), status: 'failed', legs: 'payout_reserve,payout_settle' } },
    ]);
  });

  it('is sound again once every fault is taken back', async () => {
    expect(await problems()).toEqual([]);
  });
});

describe('GET /operator/reports/ledger-check with Accept: application/x-ndjson', () => {
  it('streams each proof as progress, then the report', async () => {
    const { status, contentType, lines } = await ndjson(t.operator('get', '/reports/ledger-check').set('Accept', 'application/x-ndjson'));
    expect(status).toBe(200);
    expect(contentType).toBe('application/x-ndjson; charset=utf-8');
    expect(lines[0]).toEqual({ progress: { phase: 'currency_sum', done: 0, total: 13 } });
    expect(lines.at(-2)).toEqual({ progress: { phase: 'done', done: 13, total: 13 } });
    expect(lines.at(-1)).toEqual({ result: expect.objectContaining({ sound: true, problems: [] }) });
  });
});

describe('npm run ledger:check output', () => {
  it('says sound in one line, or NOT sound with one readable line per problem', () => {
    expect(describeLedgerReport({ sound: true, accounts: 3, transfers: 10, ms: 4, problems: [] })).toBe(
      'ledger sound; 3 accounts, 10 transfers, checked in 4 ms\n',
    );
    expect(
      describeLedgerReport({
        sound: false,
        accounts: 3,
        transfers: 10,
        ms: 4,
        problems: [{ check: 'currency_sum', detail: { currency: 'EUR', total: '1' } }],
      }),
    ).toBe(
      'ledger NOT sound: 1 problem(s); 3 accounts, 10 transfers, checked in 4 ms\n' +
        '  currency_sum: accounts of a currency do not sum to zero (currency=EUR, total=1)\n',
    );
  });
});
