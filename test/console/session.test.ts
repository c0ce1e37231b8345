import supertest from 'supertest';
import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';

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
    expect(cookie).toMatch(/^wallet_console=\d+\.bootstrap\.[\w-]+; Max-Age=28800; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
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

  it('POST /console/logout clears the cookie', async () => {
    const res = await browser().post('/console/logout').redirects(0);
    expect(res.status).toBe(303);
    expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^wallet_console=; Path=\/; Expires=Thu, 01 Jan 1970/);
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

  it('refuses a session whose expiry was changed or which another token signed', async () => {
    const [expiry, signature] = sessionCookie(await signIn()).split('=')[1].split('.');
    const changed = `wallet_console=${Number(expiry) + 3600}.${signature}`;
    const foreign = `wallet_console=${expiry}.${'A'.repeat(signature.length)}`;
    for (const cookie of [changed, foreign, 'wallet_console=1.x', 'wallet_console=']) {
      const res = await browser().get('/operator/api-clients').set('Cookie', cookie).set('X-Wallet-Console', '1');
      expect(res.status).toBe(401);
    }
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
