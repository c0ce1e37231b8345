import { givenPlayer, OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await givenPlayer(t, 'victim', { balance: '10' });
});
afterAll(() => t.close());

const balance = async () => (await t.operator('get', '/players/victim')).body.balance;

describe('operator API: authentication', () => {
  it.each([
    ['no header', undefined],
    ['a wrong token', 'Bearer wrong-token-wrong-token'],
    ['a token without Bearer', OPERATOR_TOKEN],
    ['a prefix of the token', `Bearer ${OPERATOR_TOKEN.slice(0, -1)}`],
  ])('%s is a 401 and changes nothing', async (_name, header) => {
    const req = t.http.post('/operator/players/victim/topups');
    if (header) req.set('Authorization', header);
    const res = await req.send({ amount: '5', transactionId: 'auth-1' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', traceId: expect.any(String) });
    expect(await balance()).toBe('10.00');
  });
});

describe('operator API: malformed requests', () => {
  it('malformed JSON is a 400 with a trace id that is also logged', async () => {
    const res = await t.http
      .post('/operator/players/victim/topups')
      .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
      .set('Content-Type', 'application/json')
      .send('{"amount": "5", "transactionId": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
    expect(res.body.error.message).not.toMatch(/at .*\.ts/);
    expect(t.logs.some((l) => l.traceId === res.body.error.traceId && l.code === 'MALFORMED_JSON')).toBe(true);
    expect(await balance()).toBe('10.00');
  });

  it('a duplicate key is refused rather than guessed', async () => {
    const res = await t.http
      .post('/operator/players/victim/topups')
      .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
      .set('Content-Type', 'application/json')
      .send('{"amount": "5", "amount": "5000", "transactionId": "dup-key"}');
    expect(res.status).toBe(400);
    expect(await balance()).toBe('10.00');
  });

  it('a body over 64 kB is a 413', async () => {
    const res = await t.operator('post', '/players/victim/topups', { amount: '5', transactionId: 'big', pad: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await balance()).toBe('10.00');
  });

  it('a form-encoded body is refused as unsupported', async () => {
    const res = await t.http
      .post('/operator/players/victim/topups')
      .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
      .type('form')
      .send('amount=5&transactionId=form');
    expect(res.status).toBe(415);
  });

  it('an unknown endpoint is a JSON 404', async () => {
    const res = await t.operator('get', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('SQL in a string field is stored as text and does nothing else', async () => {
    const id = "x';DROP/**/TABLE/**/transfers;--";
    const res = await t.operator('post', '/players', { playerId: id, currency: 'EUR' });
    expect(res.status).toBe(201);
    expect((await t.operator('get', `/players/${encodeURIComponent(id)}`)).body.playerId).toBe(id);
    expect((await t.ledger()).sound).toBe(true);
  });
});

describe('operator API: hostile paths and parameters', () => {
  it.each(['/players/%ff', '/players/%E0%A4%A', '/players/%E0%A4%A/transactions', '/players/%ff/topups'])(
    'malformed percent-encoding in %s is a 400 VALIDATION_ERROR, never a 500', async (path) => {
      const res = await t.http.get(`/operator${path}`).set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', traceId: expect.any(String) });
    });

  it.each(['P999999999D', 'PT99999999999999999999H', 'P36600D1H'])('olderThan=%s is a 400 naming the field', async (duration) => {
    const res = await t.operator('get', `/reports/open-rounds?olderThan=${duration}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'olderThan' });
  });

  it.each(['/players/a%00b', '/players?search=a%00', '/reports/rounds?playerId=%00', '/players/lone-%ED%A0%80-X'])(
    'NUL or a lone surrogate in %s is a 400 VALIDATION_ERROR, and nothing is stored', async (path) => {
      const res = await t.operator('get', path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

  it('a top-up whose body repeats a key, even with the same value, is refused and moves nothing', async () => {
    const res = await t.http.post('/operator/players/victim/topups').set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
      .set('Content-Type', 'application/json').send('{"amount":"5","transactionId":"dup-key","amount":"5"}');
    expect(res.status).toBe(400);
    expect(await balance()).toBe('10.00');
  });
});
