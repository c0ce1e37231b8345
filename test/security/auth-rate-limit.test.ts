import { OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ operatorAuthFailureLimit: 5 });
});
afterAll(() => t.close());

describe('operator API: guessing the token', () => {
  it('counts only failed authentications: any number of good requests is never limited', async () => {
    for (let i = 0; i < 10; i += 1) await t.operator('get', '/api-clients').expect(200);
  });

  it('answers 429 RATE_LIMITED to further wrong tokens from an address, while the right token still works', async () => {
    for (let i = 0; i < 5; i += 1) {
      const res = await t.http.get('/operator/api-clients').set('Authorization', `Bearer guess-${i}`);
      expect(res.status).toBe(401);
    }
    const blocked = await t.http.get('/operator/api-clients').set('Authorization', 'Bearer guess-6');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: 'RATE_LIMITED', traceId: expect.any(String) });
    expect(blocked.headers.ratelimit).toBeDefined();
    await t.http.get('/operator/api-clients').set('Authorization', `Bearer ${OPERATOR_TOKEN}`).expect(200);
    await t.http.get('/operator/api-clients').expect(429);
  });

  it('leaves the wallet API alone: it has its own signatures', async () => {
    await t.http.get('/healthz').expect(200);
  });
});
