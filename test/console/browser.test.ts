import { Browser, Page } from 'playwright-core';
import { OPERATIONS } from '../../src/openapi';
import { givenPlayer } from '../support/app';
import { counts, describeInBrowser, launchBrowser, openPage, screenshot, seriousAccessibilityProblems, shows } from '../support/browser';
import { FakeJumppag } from '../support/fakes/jumppag';
import { moveToDay, playRound } from '../support/history';
import { payoutSuite, PLAYER_CPF } from '../support/payouts';
import { FB_PRIVATE_KEY, givenAggregator } from '../support/wallet';
import { FakeFizzyBubbly } from '../support/fakes/fizzy-bubbly';
import { asStaff, staffAccount } from '../support/staff';

jest.setTimeout(60_000);

const games = new FakeFizzyBubbly('fb-public-key', FB_PRIVATE_KEY);
beforeAll(() => games.start()); // before the suite's app, which needs its URL
afterAll(() => games.stop());
const s = payoutSuite('jumppag', () => new FakeJumppag(), (fake) => fake.settings(), { app: () => ({ launch: games.settings(), approvalThresholds: { BRL: '1000.00' } }) });
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const YESTERDAY = day(-1);

let browser: Browser;
let page: Page;
let problems: string[];
let baseURL: string;
/** The payout the payout step requested, for the pages the width steps visit. */
let payoutShown = '';
/** The deposit the deposit step made. */
let depositShown = '';

const VIEWER = { email: 'vic@casino.example', displayName: 'Vic Viewer', role: 'viewer', password: 'only looking, never touching' };
/** The finance staff member who signs in to the console. */
const STAFF = { email: 'fia@casino.example', displayName: 'Fia Finance', role: 'finance', password: 'correct horse battery staple' };

/** Yesterday, ana played a closed round (bet 20, won 5) and left one open (bet 10); ana-2 exists too. */
async function givenHistory(): Promise<void> {
  await s.t.operator('post', '/staff', STAFF).expect(201);
  const since = new Date();
  const fb = await givenAggregator(s.t);
  await givenPlayer(s.t, 'ana', { currency: 'BRL', balance: '500.00', documentNumber: PLAYER_CPF });
  await givenPlayer(s.t, 'ana-2', { currency: 'BRL' });
  await givenPlayer(s.t, 'zoe-ars', { currency: 'ARS', balance: '50.00' }); // ARS sorts first but has no play
  const session = await s.t.operator('post', '/players/ana/sessions', { gameId: 'crash-1' });
  const play = { playerId: 'ana', sessionId: session.body.sessionId, currency: 'BRL', gameId: 'crash-1' };
  await playRound(s.t, fb, { play, round: 'r-closed', bet: 20, then: 5 });
  await playRound(s.t, fb, { play, round: 'r-open', bet: 10 });
  await moveToDay(s.t.owner, since, YESTERDAY);
}

async function onPlayerPage(playerId: string): Promise<void> {
  await page.goto(`/console#/players/${playerId}`);
  // exact: 'Player ana' must not be satisfied by the page of ana-2 still showing
  await page.getByRole('heading', { name: `Player ${playerId}`, exact: true }).waitFor();
}

/** An `it` that leaves a screenshot of the page as it was when the step failed (failed-<n>.png). */
let steps = 0;
function step(name: string, body: () => Promise<void> | void): void {
  const n = ++steps;
  it(name, async () => {
    try {
      await body();
    } catch (error) {
      await screenshot(page, `failed-${n}`).catch(() => undefined);
      throw error;
    }
  });
}

function form(name: string) {
  return page.getByRole('form', { name });
}

describeInBrowser('the operator console in Chromium', () => {
  beforeAll(async () => {
    await givenHistory();
    baseURL = `http://127.0.0.1:${(s.t.server.address() as { port: number }).port}`;
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, baseURL));
  });
  afterAll(async () => {
    await browser?.close();
  });

  step('asks for an email and password, refuses a wrong one and lets the right one in, naming who and in which role', async () => {
    await page.goto('/console');
    await page.waitForURL(/\/console\/login$/);
    await page.getByLabel('Email').fill(STAFF.email);
    await page.getByLabel('Password').fill('not her password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await shows(page.getByRole('alert'), 'That email and password, or that token, is not right.');
    expect(await page.getByLabel('Email').inputValue()).toBe(STAFF.email); // only the password is typed again
    await screenshot(page, 'login');
    await page.getByLabel('Password').fill(STAFF.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Players' }).waitFor();
    await shows(page.getByTestId('who'), `${STAFF.email} · finance`);
  });

  step('finds players by the start of their id and opens one with its balance and statement', async () => {
    await page.getByLabel('Player id starts with').fill('ana');
    await page.getByRole('button', { name: 'Find' }).click();
    await counts(page.locator('tbody tr'), 2);
    await shows(page.locator('tbody tr').filter({ has: page.getByRole('link', { name: 'ana', exact: true }) }), /475.00 BRL/); // newest first: ana-2, then ana
    await page.getByRole('link', { name: 'ana', exact: true }).click();
    await shows(page.getByTestId('balance'), '475.00 BRL');
    const statement = page.locator('table.statement tbody tr');
    await counts(statement, 4);
    await shows(statement.first(), /-10.00/);
    await screenshot(page, 'player');
  });

  step('tops a player up once and shows the new balance', async () => {
    await onPlayerPage('ana');
    await form('Top up').getByLabel('Amount').fill('25.00');
    await form('Top up').getByRole('button').click();
    await shows(page.getByRole('status'), 'Topped up 25.00; balance 500.00 BRL.');
    await shows(page.getByTestId('balance'), '500.00 BRL');
    const topUps = await s.t.db('transfers').where({ kind: 'topup' }).whereLike('reference', 'console-%');
    expect(topUps).toHaveLength(1);
  });

  step('shows an API refusal with its code and trace id, and changes nothing', async () => {
    await onPlayerPage('ana');
    await form('Top up').getByLabel('Amount').fill('1.001');
    await form('Top up').getByRole('button').click();
    await shows(page.getByRole('alert'), /^VALIDATION_ERROR: amount .*\(trace [\w-]+\)$/);
    await shows(page.getByTestId('balance'), '500.00 BRL');
    // Chromium logs every failed fetch; this one was asked for
    expect(problems.splice(0)).toEqual(['error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  step('blocks and unblocks a player', async () => {
    await onPlayerPage('ana-2');
    await page.getByRole('button', { name: 'Block player', exact: true }).click();
    await shows(page.getByTestId('status'), 'blocked');
    expect((await s.t.operator('get', '/players/ana-2')).body.status).toBe('blocked');
    await page.getByRole('button', { name: 'Unblock player' }).click();
    await shows(page.getByTestId('status'), 'active');
    expect((await s.t.operator('get', '/players/ana-2')).body.status).toBe('active');
  });

  step('sets a limit', async () => {
    await onPlayerPage('ana-2');
    await form('Limits').getByLabel('Bet max').fill('5');
    await form('Limits').getByRole('button').click();
    await shows(page.getByRole('form', { name: 'Limits' }).getByRole('status'), 'Limits saved.'); // beside the button just pressed
    expect((await s.t.operator('get', '/players/ana-2')).body.limits).toEqual({ betMax: { amount: '5.00' } });
    expect(await form('Limits').getByLabel('Bet max').inputValue()).toBe('5.00');
  });

  step('launches a game in a new tab, on a new session of the player', async () => {
    await onPlayerPage('ana-2');
    const launch = form('Launch game');
    await launch.getByLabel('Game id').fill('crash-1');
    await launch.getByLabel('Platform').selectOption('mobile');
    const opened = page.context().waitForEvent('page');
    await launch.getByRole('button').click();
    const tab = await opened;
    expect(tab.url()).toMatch(`${games.baseUrl}/play/crash-1?token=`);
    await tab.close();
    await shows(page.getByRole('status'), /^Game crash-1 launched on session /);
    expect(games.launches.at(-1)!.body).toMatchObject({ playerId: 'ana-2', gameId: 'crash-1', locale: 'pt_br', platform: 'mobile', country: 'BR', ip: '127.0.0.1', mode: 'wallet' });
  });

  step("registers the player's own payout account and retires it", async () => {
    await onPlayerPage('ana');
    const register = form('Register payout account');
    expect(await register.getByLabel('Holder CPF').inputValue()).toBe(PLAYER_CPF);
    await register.getByLabel('Account id at the provider').fill('ana-hashlee');
    await register.getByRole('button').click();
    await shows(page.getByRole('status'), 'Registered hashlee account ana-hashlee.');
    const row = page.locator('tr', { hasText: 'ana-hashlee' });
    await shows(row, /active/);
    await screenshot(page, 'payout-accounts');
    await row.getByRole('button', { name: 'Retire' }).click();
    await shows(page.locator('tr', { hasText: 'ana-hashlee' }), /retired/);
    expect((await s.t.operator('get', '/players/ana/payout-accounts')).body.payoutAccounts).toEqual([expect.objectContaining({ accountId: 'ana-hashlee', status: 'retired' })]);
  });

  step('requests a PIX payout and follows it until the provider pays it', async () => {
    await onPlayerPage('ana');
    const payout = form('Pay out by PIX');
    await payout.getByLabel('Amount').fill('100.00');
    await payout.getByLabel('PIX key').fill(PLAYER_CPF);
    await payout.getByRole('button').click();
    await shows(page.getByRole('heading', { level: 1 }), /^Payout [0-9a-f-]{36}$/);
    await shows(page.getByTestId('payout-status'), 'processing', 15_000);
    const id = decodeURIComponent(page.url().split('#/payouts/')[1]);
    payoutShown = id;
    s.fake.setStatus(id, 'success');
    await shows(page.getByTestId('payout-status'), 'succeeded', 15_000);
    await counts(page.locator('table tbody tr'), 3);
    await screenshot(page, 'payout');
    await onPlayerPage('ana');
    await shows(page.getByTestId('balance'), '400.00 BRL');
  });

  step("takes a PIX deposit: the QR code and copia-e-cola, then held because Jumppag cannot show who paid; finance records its return", async () => {
    await onPlayerPage('ana');
    const deposit = form('Take a deposit by PIX');
    await deposit.getByLabel('Amount').fill('70.00');
    await deposit.getByRole('button').click();
    await shows(page.getByRole('heading', { level: 1 }), /^Deposit [0-9a-f-]{36}$/);
    depositShown = decodeURIComponent(page.url().split('#/deposits/')[1]);
    await shows(page.getByTestId('deposit-status'), 'pending');
    const payment = s.fake.paymentOf(depositShown);
    expect(await page.getByTestId('copy-paste').inputValue()).toBe(payment.qr_code);
    const qr = page.getByRole('img', { name: 'PIX QR code for 70.00 BRL' });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(page, 'deposit-qr');
    s.fake.setPayment(depositShown, 'paid');
    await shows(page.getByTestId('deposit-status'), 'held', 15_000);
    await page.getByRole('link', { name: 'Deposits', exact: true }).click();
    await shows(page.locator('tbody tr').filter({ hasText: depositShown.slice(0, 8) }), /70\.00 BRL.*held/);
    await page.getByRole('link', { name: depositShown.slice(0, 8) }).click();
    const ret = form('Return');
    await ret.getByLabel('How it was returned').fill('Jumppag back office, ticket 9');
    await ret.getByRole('button').click();
    await shows(page.getByRole('status'), /waits for a second person/);
    expect((await s.t.operator('get', `/deposits/${depositShown}`)).body).toMatchObject({ status: 'held', returnRequested: true });
    await onPlayerPage('ana');
    await shows(page.getByTestId('balance'), '400.00 BRL');
  });

  step('lists rounds left open', async () => {
    await page.goto('/console#/rounds');
    await counts(page.locator('tbody tr'), 1);
    await shows(page.locator('tbody tr'), /r-open/);
    await screenshot(page, 'open-rounds');
  });

  step("lists a player's rounds, closed and open, from the player page", async () => {
    await onPlayerPage('ana');
    await page.getByRole('link', { name: 'Rounds this player played' }).click();
    await page.getByRole('heading', { name: 'Rounds', exact: true }).waitFor();
    await shows(page.locator('tbody tr').filter({ hasText: 'r-open' }), /r-open.*fizzy-bubbly.*open/);
    await screenshot(page, 'rounds');
  });

  step('charts daily GGR and payouts for a chosen range, with the exact figures beside it', async () => {
    await page.goto(`/console#/charts?from=${YESTERDAY}&to=${day(1)}&currency=BRL`);
    const rows = page.locator('tbody tr');
    await counts(rows, 2);
    await shows(rows.nth(0), `${YESTERDAY}30.005.0025.000.0021`);
    await shows(rows.nth(1), `${day(0)}0.000.000.00100.0000`);
    await counts(page.locator('svg.chart rect.bar-ggr'), 3); // two days and the legend
    await screenshot(page, 'charts');
  });

  step('opens the chart on the currency that was played, and says so when a range has nothing to draw', async () => {
    await page.goto(`/console#/charts?from=${YESTERDAY}&to=${day(1)}`);
    await shows(page.locator('select[name=currency] option:checked'), 'BRL');
    await counts(page.locator('svg.chart'), 1);
    await page.goto(`/console#/charts?from=2020-01-01&to=2020-02-01&currency=BRL`);
    await shows(page.getByTestId('chart-empty'), 'No GGR and no payouts in BRL from 2020-01-01 to 2020-02-01.');
    await counts(page.locator('svg.chart'), 0);
  });

  step('offers only the payout providers configured here, the default first', async () => {
    await onPlayerPage('ana');
    const options = await form('Pay out by PIX').getByLabel('Provider').locator('option').allTextContents();
    expect(options).toEqual(['jumppag (default)']);
  });

  step('runs the ledger check with a progress bar fed by the streamed NDJSON answer', async () => {
    await page.goto('/console#/ledger');
    await page.getByRole('button', { name: 'Run ledger check' }).click();
    await shows(page.getByTestId('verdict'), /^Ledger sound; \d+ accounts, \d+ transfers, checked in \d+ ms\.$/);
    expect(await page.getByRole('progressbar').evaluate((bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([13, 13]);
    await screenshot(page, 'ledger-check');
  });

  describe.each([390, 768, 1280])('at %i px wide', (width) => {
    const pages = () => [
      ['players', '#/players?search=ana'], ['player', '#/players/ana'], ['payouts', '#/payouts'], ['payout', `#/payouts/${payoutShown}`],
      ['deposits', '#/deposits?status=any'], ['deposit', `#/deposits/${depositShown}`],
      ['rounds', '#/game-rounds?playerId=ana'], ['open-rounds', '#/rounds?olderThan=PT1M'], ['charts', `#/charts?from=${YESTERDAY}&to=${day(1)}`], ['ledger-check', '#/ledger'], ['approvals', '#/approvals'], ['audit', '#/audit'],
      ['verification', '#/verification'],
    ];

    step('no page scrolls sideways, wide tables scroll in their own box, and axe-core finds nothing serious', async () => {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, hash] of pages()) {
        await page.evaluate(() => delete document.getElementById('view')!.dataset.ready);
        await page.goto(`/console${hash}`);
        await page.waitForFunction((path) => document.getElementById('view')!.dataset.ready === path, hash.slice(1).split('?')[0]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect({ page: name, width, overflow }).toEqual({ page: name, width, overflow: 0 });
        expect({ page: name, width, axe: await seriousAccessibilityProblems(page) }).toEqual({ page: name, width, axe: [] });
        await screenshot(page, `${width}-${name}`);
      }
    });

    step('the header holds the navigation: in view, or behind a Menu button on a narrow screen', async () => {
      const signOut = page.getByRole('button', { name: 'Sign out' });
      const menu = page.getByRole('button', { name: 'Menu' });
      if (width < 800) {
        expect(await signOut.isVisible()).toBe(false);
        await menu.click();
      } else {
        expect(await menu.isVisible()).toBe(false);
      }
      const header = (await page.locator('header').boundingBox())!;
      const button = (await signOut.boundingBox())!;
      expect(button.y + button.height).toBeLessThanOrEqual(header.y + header.height); // white text stays on the dark header
      if (width < 800) {
        await page.getByRole('link', { name: 'Payouts', exact: true }).click();
        await page.waitForFunction(() => !document.body.classList.contains('menu-open'));
      }
    });
  });

  step('shows the audit trail: who, in which role, did what (finance and admin)', async () => {
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    const rows = page.locator('tbody tr').filter({ hasText: 'player.topup' });
    await shows(rows.last(), new RegExp(`${STAFF.email.replace(/\./g, '\\.')}finance`));
    await screenshot(page, 'audit');
  });

  step('lists what waits for a second person and approves it: the money moves once', async () => {
    // asked by a colleague: the bootstrap token's requests are never approved, and this one was not made by the person signed in
    const colleague = await staffAccount(s.t, 'finance');
    const asked = await asStaff(s.t, colleague.token, 'post', '/players/ana-2/adjustments', { amount: '2500.00', reason: 'prize correction', transactionId: 'browser-four-eyes' }).expect(202);
    await page.getByRole('link', { name: 'Approvals', exact: true }).click();
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const row = page.locator('tbody tr').filter({ hasText: 'prize correction' });
    await shows(row, new RegExp(`adjustment.*ana-2.*2500\\.00 BRL.*${colleague.staffId.slice(0, 8)} · finance`));
    await screenshot(page, 'approvals');
    await row.getByLabel('Note').fill('ticket 42');
    await row.getByRole('button', { name: 'Approve' }).click();
    await shows(page.getByRole('status'), 'Approved: adjustment of 2500.00 BRL for ana-2.');
    await counts(page.locator('tbody tr').filter({ hasText: 'prize correction' }), 0);
    const decided = (await s.t.operator('get', '/approvals?status=approved').expect(200)).body.approvals;
    expect(decided).toContainEqual(expect.objectContaining({ approvalId: asked.body.approvalId, note: 'ticket 42' }));
    await onPlayerPage('ana-2');
    await shows(page.getByTestId('balance'), '2500.00 BRL');
  });

  step('a viewer sees the player but none of the forms a viewer may not use', async () => {
    await s.t.operator('post', '/staff', { ...VIEWER }).expect(201);
    const viewer = await openPage(browser, baseURL);
    try {
      await viewer.page.goto('/console/login');
      await viewer.page.getByLabel('Email').fill(VIEWER.email);
      await viewer.page.getByLabel('Password').fill(VIEWER.password);
      await viewer.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await shows(viewer.page.getByTestId('who'), `${VIEWER.email} · viewer`);
      await viewer.page.goto('/console#/players/ana');
      await viewer.page.getByRole('heading', { name: 'Player ana', exact: true }).waitFor();
      await shows(viewer.page.getByTestId('balance'), /BRL$/);
      for (const name of ['Top up', 'Limits', 'Block', 'Launch game', 'Pay out by PIX', 'Register payout account']) {
        expect({ name, forms: await viewer.page.getByRole('form', { name, exact: true }).count() }).toEqual({ name, forms: 0 });
      }
      expect(viewer.problems).toEqual([]);
    } finally {
      await viewer.page.context().close();
    }
  });

  step('said nothing on the browser console (no script error, no CSP violation)', () => {
    expect(problems).toEqual([]);
  });

  step('the API docs at /docs render every documented operation', async () => {
    const docs = await openPage(browser, baseURL);
    await docs.page.goto('/docs/');
    await counts(docs.page.locator('.opblock'), OPERATIONS.length, 15_000);
    await docs.page.locator('.opblock-summary-path').first().waitFor();
    await screenshot(docs.page, 'docs');
    expect(docs.problems).toEqual([]);
  });
});
