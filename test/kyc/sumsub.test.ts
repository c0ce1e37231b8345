import { decide, KycProviderUnavailable, KycStatus, Review, SumsubClient, webhookDigestValid } from '../../src/kyc';
import { FakeSumsub, SUMSUB_FAKE } from '../support/fakes/sumsub';

const GREEN: Review = { state: 'completed', answer: 'GREEN' };
const RETRY: Review = { state: 'completed', answer: 'RED', rejectType: 'RETRY' };
const FINAL: Review = { state: 'completed', answer: 'RED', rejectType: 'FINAL' };
const IN_PROGRESS: Review = { state: 'in_progress' };
const ADULT = { birthDate: '1990-05-17', today: '2026-12-05' };

describe('Sumsub requests', () => {
  let sumsub: FakeSumsub;
  const client = (secretKey = SUMSUB_FAKE.secretKey) =>
    new SumsubClient({ baseUrl: sumsub.baseUrl, appToken: SUMSUB_FAKE.appToken, secretKey, webhookSecret: SUMSUB_FAKE.webhookSecret, levelName: SUMSUB_FAKE.levelName, timeoutMs: 2_000 });

  beforeEach(async () => {
    sumsub = await new FakeSumsub().start();
  });
  afterEach(() => sumsub.stop());

  test('are signed as documented, so Sumsub accepts them, and an applicant is created with our player id as externalUserId', async () => {
    const { applicantId } = await client().applicantFor('p-1', { fullName: 'Maria da Silva Souza', birthDate: '1990-05-17' });
    expect(sumsub.refused).toEqual([]);
    expect(sumsub.applicants.get(applicantId)).toMatchObject({
      externalUserId: 'p-1', levelName: SUMSUB_FAKE.levelName, fixedInfo: { firstName: 'Maria', lastName: 'da Silva Souza', dob: '1990-05-17', country: 'BRA' },
    });
  });

  test('signed with another secret are refused by Sumsub, and the refusal is not mistaken for an answer', async () => {
    await expect(client('wrong-secret').applicantFor('p-1', { fullName: null, birthDate: null })).rejects.toThrow(KycProviderUnavailable);
    expect(sumsub.refused).toEqual(['POST /resources/applicants']);
    expect(sumsub.applicants.size).toBe(0);
  });

  test('reuse the applicant Sumsub already has for a player instead of making a second', async () => {
    const first = await client().applicantFor('p-2', { fullName: null, birthDate: null });
    const again = await client().applicantFor('p-2', { fullName: null, birthDate: null });
    expect(again).toEqual(first);
    expect(sumsub.applicants.size).toBe(1);
  });

  test('an SDK token carries its expiry for the casino site', async () => {
    await client().applicantFor('p-3', { fullName: null, birthDate: null });
    const before = Date.now();
    const token = await client().sdkToken('p-3', 600);
    expect(token.token).toMatch(/^_act-sbx-p-3-/);
    expect(token.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 599_000);
  });

  test('the review is read server-side: in progress, GREEN, RED with its reject type', async () => {
    const { applicantId } = await client().applicantFor('p-4', { fullName: null, birthDate: null });
    expect((await client().review(applicantId)).review).toEqual(IN_PROGRESS);
    sumsub.complete('p-4', 'GREEN');
    expect((await client().review(applicantId)).review).toEqual(GREEN);
    sumsub.complete('p-4', 'RED', 'FINAL');
    const red = await client().review(applicantId);
    expect(red.review).toEqual(FINAL);
    expect(JSON.parse(red.raw)).toMatchObject({ reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL' } });
  });

  test('Sumsub down is unknown, never a decision', async () => {
    const { applicantId } = await client().applicantFor('p-5', { fullName: null, birthDate: null });
    sumsub.down = 503;
    await expect(client().review(applicantId)).rejects.toThrow(KycProviderUnavailable);
    sumsub.down = undefined;
    expect((await client().review(applicantId)).review).toEqual(IN_PROGRESS);
  });
});

describe('Sumsub webhook digest', () => {
  const applicant = { id: 'app-1', externalUserId: 'p-1', levelName: 'l', fixedInfo: {}, reviewStatus: 'completed', reviewResult: { reviewAnswer: 'GREEN' } };

  test.each(['HMAC_SHA1_HEX', 'HMAC_SHA256_HEX', 'HMAC_SHA512_HEX'])('is checked over the raw body in %s', (algorithm) => {
    const { raw, headers } = FakeSumsub.webhook('applicantReviewed', applicant, algorithm);
    expect(webhookDigestValid(SUMSUB_FAKE.webhookSecret, Buffer.from(raw), headers['x-payload-digest'], algorithm)).toBe(true);
  });

  test('refuses a tampered body, another secret, a missing digest and an unknown algorithm', () => {
    const { raw, headers } = FakeSumsub.webhook('applicantReviewed', applicant);
    const digest = headers['x-payload-digest'];
    expect(webhookDigestValid(SUMSUB_FAKE.webhookSecret, Buffer.from(raw.replace('GREEN', 'GREEN ')), digest, 'HMAC_SHA256_HEX')).toBe(false);
    const other = FakeSumsub.webhook('applicantReviewed', applicant, 'HMAC_SHA256_HEX', 'someone-else');
    expect(webhookDigestValid(SUMSUB_FAKE.webhookSecret, Buffer.from(other.raw), other.headers['x-payload-digest'], 'HMAC_SHA256_HEX')).toBe(false);
    expect(webhookDigestValid(SUMSUB_FAKE.webhookSecret, Buffer.from(raw), undefined, 'HMAC_SHA256_HEX')).toBe(false);
    expect(webhookDigestValid(SUMSUB_FAKE.webhookSecret, Buffer.from(raw), digest, 'HMAC_MD5_HEX')).toBe(false);
  });
});

describe('KYC decisions', () => {
  test.each<[KycStatus, Review, KycStatus]>([
    ['none', IN_PROGRESS, 'pending'],
    ['pending', GREEN, 'verified'],
    ['pending', RETRY, 'retry_required'],
    ['pending', FINAL, 'rejected'],
    ['retry_required', IN_PROGRESS, 'pending'],
    ['retry_required', GREEN, 'verified'],
    ['verified', RETRY, 'reverify_required'],
    ['verified', FINAL, 'rejected'],
    ['reverify_required', GREEN, 'verified'],
  ])('%s with %j becomes %s', (from, review, to) => {
    expect(decide(from, review, ADULT)).toBe(to);
  });

  test.each<KycStatus>(['verified', 'rejected', 'reverify_required'])('a late review in progress never moves %s backwards', (from) => {
    expect(decide(from, IN_PROGRESS, ADULT)).toBe(from);
  });

  test('a suspension is lifted by a person only, and a rejection is final', () => {
    for (const review of [GREEN, RETRY, FINAL, IN_PROGRESS]) {
      expect(decide('suspended', review, ADULT)).toBe('suspended');
      expect(decide('rejected', review, ADULT)).toBe('rejected');
    }
  });

  test('under 18 on the day of the decision is rejected whatever the vendor says; 18 that day is an adult', () => {
    expect(decide('pending', GREEN, { birthDate: '2008-12-06', today: '2026-12-05' })).toBe('rejected');
    expect(decide('pending', GREEN, { birthDate: '2008-12-05', today: '2026-12-05' })).toBe('verified');
  });

  test('a GREEN for a player with no birth date on file cannot prove an adult: pending', () => {
    expect(decide('pending', GREEN, { birthDate: null, today: '2026-12-05' })).toBe('pending');
  });
});
