import { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchBrowser, openPage, screenshot, seriousAccessibilityProblems, shows } from '../support/browser';
import { aDayPasses, brazilSuite, cpfFor, givenBrazilianPlay } from '../support/protection';

jest.setTimeout(60_000);

const s = brazilSuite();
const SUPPORT = { email: 'sol@casino.example', displayName: 'Sol Support', role: 'support', password: 'protecting the players' };
const FINANCE = { email: 'fia@casino.example', displayName: 'Fia Finance', role: 'finance', password: 'reviewing the players' };
let browser: Browser;
let page: Page;
let problems: string[];

describeInBrowser('player protection in the console (JURISDICTION=BR)', () => {
  beforeAll(async () => {
    await s.t.operator('post', '/staff', SUPPORT).expect(201);
    await givenBrazilianPlay(s.t, 'rosa', cpfFor(800));
    const barred = cpfFor(801);
    await givenBrazilianPlay(s.t, 'bruno', barred);
    s.sigap.bar(barred, 'PROGRAMA_SOCIAL');
    await aDayPasses(s.t, 'bruno');
    await s.t.operator('post', '/players/bruno/sessions', {}).expect(201);
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, `http://127.0.0.1:${(s.t.server.address() as { port: number }).port}`));
    await page.goto('/console/login');
    await page.getByLabel('Email').fill(SUPPORT.email);
    await page.getByLabel('Password').fill(SUPPORT.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await shows(page.getByTestId('who'), `${SUPPORT.email} · support`);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the player page shows the register, its checks and the limits, and pauses play', async () => {
    await page.goto('/console#/players/rosa');
    await page.getByRole('heading', { name: 'Player rosa', exact: true }).waitFor();
    await shows(page.getByTestId('register'), /^clear \(cleared \d{4}-\d{2}-\d{2}\)$/);
    const checks = page.locator('table').filter({ hasText: 'Register checks' }).locator('tbody tr');
    await shows(checks.first(), /daily\s*permitted/); // the day's first session, newest first
    await shows(checks.nth(1), /registration\s*permitted/);
    expect(await page.getByRole('form', { name: 'Limits' }).getByLabel('Play minutes a day').inputValue()).toBe('240');
    const pause = page.getByRole('form', { name: 'Pause' });
    await pause.getByLabel('Pause play until').fill('2031-01-02T10:30');
    await pause.getByRole('button').click();
    await shows(page.getByRole('status'), /^Paused until /);
    await shows(page.getByTestId('protection'), /Paused until\s*\S+/);
    expect((await s.t.operator('get', '/players/rosa').expect(200)).body.pausedUntil).toBe(new Date(2031, 0, 2, 10, 30).toISOString());
    await screenshot(page, 'protection-player');
  });

  it('the player page shows the identity verification with its checks, and suspends the player', async () => {
    await page.goto('/console#/players/rosa');
    await page.getByRole('heading', { name: 'Player rosa', exact: true }).waitFor();
    await shows(page.getByTestId('kyc-status'), 'none');
    const suspend = page.getByRole('form', { name: 'Suspend' });
    await suspend.getByLabel('Why').fill('chargeback pattern, case 2291');
    await suspend.getByRole('button').click();
    await shows(page.getByRole('status'), 'Player suspended.');
    await shows(page.getByTestId('kyc-status'), 'suspended');
    await shows(page.locator('table').filter({ hasText: 'Verification checks' }).locator('tbody tr').first(), /suspension\s*chargeback pattern, case 2291\s*none\s*suspended/);
    // support may suspend; lifting is finance's, and a second person's
    expect(await page.getByRole('form', { name: 'Lift the suspension' }).count()).toBe(0);
    expect((await s.t.operator('get', '/players/rosa/kyc').expect(200)).body.kycStatus).toBe('suspended');
    await screenshot(page, 'kyc-player');
    expect(problems).toEqual([]);
  });

  it('the Verification page counts players by state and queues the suspended one; support cannot lift it there, a finance person can', async () => {
    await page.getByRole('link', { name: 'Verification', exact: true }).click();
    await page.getByRole('heading', { name: 'Identity verification' }).waitFor();
    const queued = page.locator('table').filter({ hasText: 'Players waiting for review' }).locator('tbody tr').filter({ hasText: 'rosa' });
    await shows(queued, /rosa\s*suspended/);
    expect(await page.getByRole('form', { name: 'Lift the suspension of rosa' }).count()).toBe(0);
    expect(await seriousAccessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'kyc-queue');

    await s.t.operator('post', '/staff', FINANCE).expect(201);
    const finance = await openPage(browser, `http://127.0.0.1:${(s.t.server.address() as { port: number }).port}`);
    await finance.page.goto('/console/login');
    await finance.page.getByLabel('Email').fill(FINANCE.email);
    await finance.page.getByLabel('Password').fill(FINANCE.password);
    await finance.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await finance.page.goto('/console#/verification');
    const lift = finance.page.getByRole('form', { name: 'Lift the suspension of rosa' });
    await lift.getByLabel('Why').fill('case 2291 closed: no fraud');
    await lift.getByRole('button').click();
    await shows(finance.page.getByRole('status'), 'Suspension of rosa lifted.');
    expect((await s.t.operator('get', '/players/rosa/kyc').expect(200)).body.kycStatus).toBe('none');
    expect(finance.problems).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('lists impeded accounts with their deadlines, and runs the register sweep with a progress bar', async () => {
    await page.getByRole('link', { name: 'Impediments', exact: true }).click();
    await page.getByRole('heading', { name: 'Impediments' }).waitFor();
    await shows(page.locator('tbody tr').filter({ hasText: 'bruno' }), /PROGRAMA_SOCIAL.*after closure.*held.*pending.*pending/);
    await page.getByRole('form', { name: 'Sweep the register' }).getByRole('button').click();
    await shows(page.getByRole('status'), 'Sweep finished: 1 checked, 0 impeded, 0 unreachable.');
    expect(await page.getByLabel('Sweep progress').evaluate((bar) => [(bar as HTMLProgressElement).value, (bar as HTMLProgressElement).max])).toEqual([1, 1]);
    await screenshot(page, 'protection-impediments');
    expect(problems).toEqual([]);
  });
});
