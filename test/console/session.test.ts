import supertest from 'supertest';
import { createHash } from 'node:crypto';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';
import { signedIn, staffAccount } from '../support/staff';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});

/** A client without a cookie jar: each request carries only the cookie a test gives it. */
const browser = () => supertest(t.server);
afterAll(() => t.close());

async function signIn(token = OPERATOR_TOKEN) {
  return browser().post('/console/login').type('form').send({ token }).redirects(0);
}

function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const cookies = res.headers['set-cookie'] as string[];
  return cookies[0].split(';')[0];
}

describe('GET /console', () => {
  it('without a session sends the browser to the login form', async () => {
    const res = await browser().get('/console').redirects(0);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/login');
    const form = await browser().get('/console/login');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<input type="password" name="token"');
  });

  it('may load only its own scripts, styles and API (CSP), and is not upgraded to https', async () => {
    const csp = (await browser().get('/console/login')).headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('serves its script and style from the server itself, and nothing outside its folder', async () => {
    const script = await browser().get('/console/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await browser().get('/console/assets/console.css')).headers['content-type']).toMatch(/css/);
    expect((await browser().get('/console/assets/%2e%2e/index.ts')).status).toBe(404);
    expect((await browser().get('/console/assets/nothing.js')).status).toBe(404);
  });
});

describe('POST /console/login', () => {
  it('the operator token signs in with an HttpOnly, SameSite=Strict session cookie that opens the console', async () => {
    const res = await signIn();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console');
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^wallet_console=[\w-]{43}; Max-Age=28800; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(OPERATOR_TOKEN);
    const page = await browser().get('/console').set('Cookie', sessionCookie(res));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script type="module" src="/console/assets/app.js"></script>');
  });

  it('a wrong token sets no cookie and the form says so', async () => {
    const res = await signIn('not-the-token');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/login?failed=1');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await browser().get('/console/login?failed=1')).text).toContain('That email and password, or that token, is not right.');
  });

  it('POST /console/logout clears the cookie and ends the session: the old cookie opens nothing', async () => {
    const cookie = sessionCookie(await signIn());
    const res = await browser().post('/console/logout').set('Cookie', cookie).redirects(0);
    expect(res.status).toBe(303);
    expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^wallet_console=; Path=\/; Expires=Thu, 01 Jan 1970/);
    expect((await browser().get('/operator/me').set('Cookie', cookie).set('X-Wallet-Console', '1')).status).toBe(401);
    expect((await browser().get('/console').set('Cookie', cookie).redirects(0)).status).toBe(303);
  });
});

describe('the operator API with a console session', () => {
  it('is open to the session cookie only together with the console header', async () => {
    const cookie = sessionCookie(await signIn());
    const withHeader = await browser().get('/operator/api-clients').set('Cookie', cookie).set('X-Wallet-Console', '1');
    expect(withHeader.status).toBe(200);
    const cookieAlone = await browser().get('/operator/api-clients').set('Cookie', cookie);
    expect(cookieAlone.status).toBe(401);
  });

  it('refuses a forged cookie: the old signed form, made with the bootstrap token, and random secrets never issued', async () => {
    const { createHmac } = await import('node:crypto');
    const key = createHmac('sha256', OPERATOR_TOKEN).update('wallet-console-session').digest();
    const staffId = (await t.operator('post', '/staff', { email: 'forged@casino.example', displayName: 'F', role: 'finance', password: 'a passphrase long enough' })).body.staffId;
    const payload = `253402300799.${staffId}`;
    const oldForm = `wallet_console=${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    for (const cookie of [oldForm, `wallet_console=${'A'.repeat(43)}`, 'wallet_console=1.x', 'wallet_console=']) {
      const res = await browser().get('/operator/api-clients').set('Cookie', cookie).set('X-Wallet-Console', '1');
      expect(res.status).toBe(401);
    }
  });

  it('a session ends after 30 idle minutes, and at its absolute expiry however busy', async () => {
    const idle = sessionCookie(await signIn());
    const busy = sessionCookie(await signIn());
    const ask = (cookie: string) => browser().get('/operator/me').set('Cookie', cookie).set('X-Wallet-Console', '1');
    expect((await ask(idle)).status).toBe(200);
    const hash = (cookie: string) => createHash('sha256').update(cookie.split('=')[1]).digest('hex');
    await t.db('console_sessions').where({ secret_hash: hash(idle) }).update({ last_seen_at: new Date(Date.now() - 31 * 60_000) });
    await t.db('console_sessions').where({ secret_hash: hash(busy) }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await ask(idle)).status).toBe(401);
    expect((await ask(busy)).status).toBe(401);
  });
});

describe('a person whose password changes or who is disabled', () => {
  it('loses every session and token at once, and re-enabling the account brings none of them back', async () => {
    const person = await staffAccount(t, 'finance');
    const session = await signedIn(t, person.email, person.password);
    const asSession = () => browser().get('/operator/me').set('Cookie', session!).set('X-Wallet-Console', '1');
    const asToken = () => browser().get('/operator/me').set('Authorization', `Bearer ${person.token}`);
    expect((await asSession()).status).toBe(200);
    expect((await asToken()).status).toBe(200);
    await t.operator('patch', `/staff/${person.staffId}`, { password: 'a new passphrase, long enough' }).expect(200);
    expect((await asSession()).status).toBe(401);
    expect((await asToken()).status).toBe(401);

    const other = await staffAccount(t, 'support');
    const otherSession = await signedIn(t, other.email, other.password);
    await t.operator('patch', `/staff/${other.staffId}`, { status: 'disabled' }).expect(200);
    await t.operator('patch', `/staff/${other.staffId}`, { status: 'active' }).expect(200);
    expect((await browser().get('/operator/me').set('Cookie', otherSession!).set('X-Wallet-Console', '1')).status).toBe(401);
    expect((await browser().get('/operator/me').set('Authorization', `Bearer ${other.token}`)).status).toBe(401);
    expect(await signedIn(t, other.email, other.password)).toBeDefined(); // the person signs in afresh
  });
});

describe('wrong tokens typed into the login form', () => {
  it('count towards the address limit like wrong bearer tokens, while the right token still works', async () => {
    const own = await startTestApp({ operatorAuthFailureLimit: 3 });
    try {
      const wrong = () => own.http.post('/console/login').type('form').send({ token: 'guess' }).redirects(0);
      for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(303);
      const limited = await wrong();
      expect(limited.status).toBe(429);
      expect(limited.text).toContain('Too many failed authentications from this address');
      expect((await own.http.get('/operator/api-clients').set('Authorization', 'Bearer wrong')).status).toBe(429);
      expect((await own.operator('get', '/api-clients')).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
