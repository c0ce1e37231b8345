import { startTestApp, TestApp } from '../support/app';
import { FakeSumsub, SUMSUB_FAKE } from '../support/fakes/sumsub';

let t: TestApp;
let sumsub: FakeSumsub;
beforeAll(async () => {
  sumsub = await new FakeSumsub().start();
  t = await startTestApp({ kyc: { baseUrl: sumsub.baseUrl, ...SUMSUB_FAKE, timeoutMs: 2_000 } });
});
afterAll(async () => {
  await t.close();
  await sumsub.stop();
});

let n = 0;
async function playerBorn(birthDate: string | undefined): Promise<string> {
  const playerId = `kyc-${++n}`;
  await t.operator('post', '/players', { playerId, currency: 'BRL', firstName: 'Maria', lastName: 'Souza', ...(birthDate ? { birthDate } : {}) }).expect(201);
  return playerId;
}

async function started(birthDate: string | undefined = '1990-05-17'): Promise<string> {
  const playerId = await playerBorn(birthDate);
  await t.operator('post', `/players/${playerId}/kyc`).expect(200);
  return playerId;
}

/** Sumsub decides (sandbox testCompleted) and tells us by webhook, signed as it signs. */
function reviewed(playerId: string, answer: 'GREEN' | 'RED', rejectType?: 'FINAL' | 'RETRY') {
  return deliver(FakeSumsub.webhook('applicantReviewed', sumsub.complete(playerId, answer, rejectType)));
}

function deliver(webhook: { raw: string; headers: Record<string, string> }) {
  return t.http.post('/webhooks/sumsub').set(webhook.headers).send(webhook.raw);
}

const kyc = async (playerId: string) => (await t.operator('get', `/players/${playerId}/kyc`).expect(200)).body;

describe('POST /operator/players/{playerId}/kyc', () => {
  it('creates the Sumsub applicant with our player id and its name and birth date, answers an SDK token, and makes the player pending', async () => {
    const playerId = await playerBorn('1990-05-17');
    const res = await t.operator('post', `/players/${playerId}/kyc`).expect(200);
    expect(res.body).toEqual({ kycStatus: 'pending', sdkToken: expect.stringMatching(/^_act-sbx-/), expiresAt: expect.any(String) });
    expect(sumsub.applicantOf(playerId).fixedInfo).toMatchObject({ firstName: 'Maria', lastName: 'Souza', dob: '1990-05-17' });
    const state = await kyc(playerId);
    expect(state).toMatchObject({ kycStatus: 'pending', birthDate: '1990-05-17', applicant: { vendor: 'sumsub' } });
    expect(state.checks).toEqual([expect.objectContaining({ check: 'applicant', outcome: 'created', statusBefore: 'none', statusAfter: 'pending' })]);
    expect((await t.operator('get', `/players/${playerId}`)).body).toMatchObject({ birthDate: '1990-05-17', kycStatus: 'pending' });
  });

  it('started again reuses the applicant and gives a fresh token, without a second applicant or check', async () => {
    const playerId = await started();
    const again = await t.operator('post', `/players/${playerId}/kyc`).expect(200);
    expect(again.body.kycStatus).toBe('pending');
    expect([...sumsub.applicants.values()].filter((a) => a.externalUserId === playerId)).toHaveLength(1);
    expect((await kyc(playerId)).checks).toHaveLength(1);
  });

  it('with Sumsub down, answers 502 KYC_PROVIDER_UNAVAILABLE with its trace id and changes nothing; once back, it starts', async () => {
    const playerId = await playerBorn('1990-05-17');
    sumsub.down = 503;
    const res = await t.operator('post', `/players/${playerId}/kyc`);
    sumsub.down = undefined;
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 502, code: 'KYC_PROVIDER_UNAVAILABLE' });
    expect(res.body.error.message).toContain(res.body.error.traceId);
    expect(await kyc(playerId)).toMatchObject({ kycStatus: 'none', applicant: null, checks: [] });
    await t.operator('post', `/players/${playerId}/kyc`).expect(200);
    expect((await kyc(playerId)).kycStatus).toBe('pending');
  });

  it('a birth date in the future, or not a date, is refused when the player is created', async () => {
    for (const birthDate of ['2999-01-01', '1990-02-30', '17/05/1990']) {
      const res = await t.operator('post', '/players', { playerId: `kyc-bad-${birthDate}`, currency: 'BRL', birthDate });
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_ERROR' });
    }
  });
});

describe('POST /webhooks/sumsub', () => {
  it('GREEN, read back from Sumsub, verifies the player and keeps the review as evidence with the hash of its raw answer', async () => {
    const playerId = await started();
    const res = await reviewed(playerId, 'GREEN').expect(200);
    expect(res.body).toEqual({ received: 1, checked: 1 });
    const state = await kyc(playerId);
    expect(state.kycStatus).toBe('verified');
    expect(state.checks[0]).toMatchObject({ check: 'review', outcome: 'GREEN', statusBefore: 'pending', statusAfter: 'verified', rawSha256: expect.stringMatching(/^[0-9a-f]{64}$/), traceId: expect.any(String) });
    expect(sumsub.calls).toContain(`GET /resources/applicants/${sumsub.applicantOf(playerId).id}/status`);
  });

  it('RED with RETRY asks the player to try again; RED with FINAL rejects', async () => {
    const retry = await started();
    await reviewed(retry, 'RED', 'RETRY').expect(200);
    expect((await kyc(retry)).kycStatus).toBe('retry_required');
    const final = await started();
    await reviewed(final, 'RED', 'FINAL').expect(200);
    expect((await kyc(final)).kycStatus).toBe('rejected');
  });

  it('a tampered, unsigned or wrongly signed webhook is refused with 401 and changes nothing, and Sumsub is not even asked', async () => {
    const playerId = await started();
    const applicant = sumsub.complete(playerId, 'GREEN');
    const good = FakeSumsub.webhook('applicantReviewed', applicant);
    const calls = sumsub.calls.length;
    const forged = [
      { raw: good.raw.replace(applicant.id, `${applicant.id}x`), headers: good.headers },
      { raw: good.raw, headers: { 'content-type': 'application/json' } },
      FakeSumsub.webhook('applicantReviewed', applicant, 'HMAC_SHA256_HEX', 'not-the-secret'),
      { raw: good.raw, headers: { ...good.headers, 'x-payload-digest-alg': 'HMAC_MD5_HEX' } },
    ];
    for (const webhook of forged) {
      const res = await deliver(webhook);
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 401, code: 'INVALID_WEBHOOK' });
    }
    expect(sumsub.calls.length).toBe(calls);
    expect((await kyc(playerId)).kycStatus).toBe('pending');
    await deliver(good).expect(200);
    expect((await kyc(playerId)).kycStatus).toBe('verified');
  });

  it('takes nothing from the webhook body: a signed GREEN webhook while Sumsub still reviews leaves the player pending', async () => {
    const playerId = await started();
    const applicant = sumsub.applicantOf(playerId);
    const claim = { ...applicant, reviewStatus: 'completed', reviewResult: { reviewAnswer: 'GREEN' } };
    await deliver(FakeSumsub.webhook('applicantReviewed', claim)).expect(200);
    expect((await kyc(playerId)).kycStatus).toBe('pending');
  });

  it('a duplicate, or a pending that arrives after the review, never moves the state backwards', async () => {
    const playerId = await started();
    const applicant = sumsub.complete(playerId, 'GREEN');
    const webhook = FakeSumsub.webhook('applicantReviewed', applicant);
    await deliver(webhook).expect(200);
    await deliver(webhook).expect(200);
    await deliver(FakeSumsub.webhook('applicantPending', { ...applicant, reviewStatus: 'pending', reviewResult: undefined })).expect(200);
    const state = await kyc(playerId);
    expect(state.kycStatus).toBe('verified');
    expect(state.checks.map((c: { statusAfter: string }) => c.statusAfter)).toEqual(['verified', 'verified', 'verified', 'pending']);
  });

  it('GREEN then a later RED: RETRY asks for verification again, FINAL rejects', async () => {
    const again = await started();
    await reviewed(again, 'GREEN').expect(200);
    await reviewed(again, 'RED', 'RETRY').expect(200);
    expect((await kyc(again)).kycStatus).toBe('reverify_required');
    await reviewed(again, 'GREEN').expect(200);
    expect((await kyc(again)).kycStatus).toBe('verified');
    const fraud = await started();
    await reviewed(fraud, 'GREEN').expect(200);
    await reviewed(fraud, 'RED', 'FINAL').expect(200);
    expect((await kyc(fraud)).kycStatus).toBe('rejected');
  });

  it('under 18 on the day of the decision is rejected, whatever Sumsub says', async () => {
    const today = new Date();
    const seventeen = `${today.getUTCFullYear() - 17}-01-01`;
    const playerId = await started(seventeen);
    await reviewed(playerId, 'GREEN').expect(200);
    const state = await kyc(playerId);
    expect(state.kycStatus).toBe('rejected');
    expect(state.checks[0].outcome).toContain('under 18');
  });

  it('with Sumsub down the state stays where it is, a re-check is queued (202), and it decides once Sumsub is back', async () => {
    const playerId = await started();
    const applicant = sumsub.complete(playerId, 'GREEN');
    const webhook = FakeSumsub.webhook('applicantReviewed', applicant);
    sumsub.down = 503;
    const res = await deliver(webhook);
    expect({ status: res.status, body: res.body }).toEqual({ status: 202, body: { received: 1, checked: 0, recheck: 'queued' } });
    await deliver(webhook).expect(202); // a second delivery keeps the one re-check
    const jobs = await t.db('graphile_worker.jobs').where({ key: `kyc_recheck:${applicant.id}` });
    expect(jobs).toHaveLength(1);
    expect(jobs[0].run_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect((await kyc(playerId)).kycStatus).toBe('pending');

    // the queued task fails while Sumsub is away, so the queue tries it again with backoff; then it decides
    const recheck = () => t.app.locals.kycJobs.tasks.kyc_recheck({ applicantId: applicant.id }, {} as never);
    await expect(recheck()).rejects.toThrow();
    expect((await kyc(playerId)).kycStatus).toBe('pending');
    sumsub.down = undefined;
    await recheck();
    const state = await kyc(playerId);
    expect(state.kycStatus).toBe('verified');
    expect(state.checks[0]).toMatchObject({ check: 'review', outcome: 'GREEN', source: 'recheck', statusAfter: 'verified' });
  });

  it('names an applicant that is not ours, or none: 200, nothing checked, nothing changed', async () => {
    const stranger = { id: 'app-stranger', externalUserId: 'someone-else', levelName: 'l', fixedInfo: {}, reviewStatus: 'completed' };
    expect((await deliver(FakeSumsub.webhook('applicantReviewed', stranger)).expect(200)).body).toEqual({ received: 1, checked: 0 });
  });
});

describe('kyc_checks is evidence', () => {
  it('the server\'s database role can add a check but neither change nor delete one', async () => {
    const playerId = await started();
    const [{ id }] = await t.db('kyc_checks').join('players', 'players.id', 'kyc_checks.player_id').where('players.external_id', playerId).select('kyc_checks.id');
    await expect(t.db('kyc_checks').where({ id }).update({ outcome: 'rewritten' })).rejects.toThrow(/permission denied/);
    await expect(t.db('kyc_checks').where({ id }).delete()).rejects.toThrow(/permission denied/);
  });
});

describe('GET /metrics', () => {
  it('counts the players whose verification needs attention, by state', async () => {
    const playerId = await started();
    await reviewed(playerId, 'RED', 'FINAL');
    const text = (await t.http.get('/metrics').expect(200)).text;
    const count = (state: string) => Number(new RegExp(`^wallet_kyc_players\\{state="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    const expected = await t.db('players').select('kyc_status').count('* as n').groupBy('kyc_status');
    for (const state of ['pending', 'retry_required', 'rejected', 'reverify_required', 'suspended']) {
      expect(count(state)).toBe(Number(expected.find((r) => r.kyc_status === state)?.n ?? 0));
    }
    expect(count('rejected')).toBeGreaterThan(0);
  });
});

describe('GET /operator/reports/kyc', () => {
  it('counts players by state and queues those a person may need to look at, longest waiting first', async () => {
    const waiting = await started();
    const retry = await started();
    await reviewed(retry, 'RED', 'RETRY');
    const green = await started();
    await reviewed(green, 'GREEN');
    const { body } = await t.operator('get', '/reports/kyc').expect(200);
    const expected = await t.db('players').select('kyc_status').count('* as n').groupBy('kyc_status');
    for (const row of expected) expect(body.counts[row.kyc_status as string]).toBe(Number(row.n));
    const queued = body.needingReview.map((p: { playerId: string }) => p.playerId);
    expect(queued).toEqual(expect.arrayContaining([waiting, retry]));
    expect(queued).not.toContain(green);
    expect(queued.indexOf(waiting)).toBeLessThan(queued.indexOf(retry));
  });
});
