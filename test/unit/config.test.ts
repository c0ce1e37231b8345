import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const PRODUCTION_TOKEN = 'a-production-token-of-32-characters-or-more';
/** What production needs at least, so that each case below fails on its own variable. */
const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
const PRODUCTION = { NODE_ENV: 'production', OPERATOR_TOKEN: PRODUCTION_TOKEN, SECRETS_KEY, APPROVAL_THRESHOLD: 'BRL:5000.00' };

describe('configuration from the environment', () => {
  it('has working defaults: port 3000, embedded database under .data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: path.resolve('.data'), logLevel: 'info', dbPoolMax: 20, walletGroupCommit: 'cluster' });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ WALLET_GROUP_COMMIT: 'primary' }, /WALLET_GROUP_COMMIT must be one of cluster, worker/],
    [{ OPERATOR_TOKEN: 'short' }, /OPERATOR_TOKEN must be at least 16/],
    [{ FB_PUBLIC_KEY: 'only-half' }, /FB_PUBLIC_KEY and FB_PRIVATE_KEY must be set together/],
    [{ NODE_ENV: 'production' }, /OPERATOR_TOKEN is required/],
    [{ NODE_ENV: 'production', OPERATOR_TOKEN: 'sixteen-chars-and-more' }, /OPERATOR_TOKEN is required when NODE_ENV=production, at least 32/],
    [{ SUMSUB_BASE_URL: 'https://api.sumsub.com', SUMSUB_APP_TOKEN: 'sbx:token' }, /SUMSUB_BASE_URL is set, so SUMSUB_SECRET_KEY, SUMSUB_WEBHOOK_SECRET, SUMSUB_LEVEL_NAME must be set too/],
    [{ NODE_ENV: 'production', OPERATOR_TOKEN: PRODUCTION_TOKEN }, /SECRETS_KEY is required when NODE_ENV=production/],
    [{ SECRETS_KEY: 'too-short' }, /SECRETS_KEY must be 32 random bytes/],
    [{ NODE_ENV: 'production', OPERATOR_TOKEN: PRODUCTION_TOKEN, SECRETS_KEY }, /APPROVAL_THRESHOLD is required when NODE_ENV=production/],
    [{ WALLET_PUBLIC_URL: 'ftp://x' }, /WALLET_PUBLIC_URL must start with http/],
    [{ FB_API_URL: 'https://api.fb.example', FB_PUBLIC_KEY: 'pk', FB_PRIVATE_KEY: 'sk' }, /FB_API_URL needs FB_BRAND_ID/],
    [{ FB_API_URL: 'https://api.fb.example', FB_BRAND_ID: 'b-1' }, /FB_API_URL needs FB_PUBLIC_KEY and FB_PRIVATE_KEY/],
    [{ FB_API_URL: 'api.fb.example', FB_BRAND_ID: 'b-1' }, /FB_API_URL is not a valid URL/],
    [{ ...PRODUCTION, PAYOUT_SANDBOX: '1' }, /PAYOUT_SANDBOX is refused with NODE_ENV=production/],
  ])('%j is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('drops a trailing slash from WALLET_PUBLIC_URL so the signed URL is exact', () => {
    expect(loadConfig({ WALLET_PUBLIC_URL: 'https://api.casino.com/n2/' }).walletPublicUrl).toBe('https://api.casino.com/n2');
  });

  it('game launch is off without FB_API_URL, and with it signs with the FB key pair within FB_HTTP_TIMEOUT_MS (5 s)', () => {
    expect(loadConfig({}).launch).toBeUndefined();
    expect(loadConfig({ FB_API_URL: 'https://api.fb.example/', FB_BRAND_ID: 'b-1', FB_PUBLIC_KEY: 'pk', FB_PRIVATE_KEY: 'sk' }).launch)
      .toEqual({ apiUrl: 'https://api.fb.example', brandId: 'b-1', publicKey: 'pk', privateKey: 'sk', timeoutMs: 5000 });
  });

  it('PAYOUT_SANDBOX adds the sandbox payout provider in development, and SANDBOX_BASE_URL does not', () => {
    expect(Object.keys(loadConfig({ PAYOUT_SANDBOX: '1' }).payouts.providers)).toEqual(['sandbox']);
    expect(loadConfig({ SANDBOX_BASE_URL: 'http://x' }).payouts.providers).toEqual({});
  });

  it('KYC_REQUIRED is on by default under JURISDICTION=BR, off otherwise, and either way as set', () => {
    expect(loadConfig({}).kycRequired).toBe(false);
    expect(loadConfig({ JURISDICTION: 'BR' }).kycRequired).toBe(true);
    expect(loadConfig({ JURISDICTION: 'BR', KYC_REQUIRED: '0' }).kycRequired).toBe(false);
    expect(loadConfig({ KYC_REQUIRED: '1' }).kycRequired).toBe(true);
    expect(() => loadConfig({ KYC_REQUIRED: 'yes' })).toThrow(/KYC_REQUIRED must be 1 or 0/);
  });

  it('JURISDICTION=BR turns on player protection: without SIGAP_BASE_URL refused in production, allowed (failing closed) in development', () => {
    expect(loadConfig({}).protection).toBeUndefined();
    expect(loadConfig({ JURISDICTION: 'BR' }).protection).toMatchObject({ jurisdiction: 'BR', timeZone: 'America/Sao_Paulo', sigap: undefined });
    expect(loadConfig({ JURISDICTION: 'BR', SIGAP_COLUMNS: 'occurredAt, cpf,amount' }).protection!.sigapColumns).toEqual(['occurredAt', 'cpf', 'amount']);
    expect(() => loadConfig({ JURISDICTION: 'BR', SIGAP_COLUMNS: 'cpf,cpf' })).toThrow(/SIGAP_COLUMNS/);
    expect(() => loadConfig({ JURISDICTION: 'BR', ...PRODUCTION })).toThrow(/SIGAP_BASE_URL/);
    expect(loadConfig({ JURISDICTION: 'BR', SIGAP_BASE_URL: 'https://sigap.example/', SIGAP_TOKEN: 't' }).protection!.sigap)
      .toEqual({ baseUrl: 'https://sigap.example', token: 't', timeoutMs: 3000, sweepRatePerSecond: 20 });
    expect(() => loadConfig({ JURISDICTION: 'BR', SIGAP_BASE_URL: 'https://sigap.example' })).toThrow(/SIGAP_TOKEN/);
    expect(() => loadConfig({ JURISDICTION: 'UK' })).toThrow(/JURISDICTION must be BR/);
  });

  it('APPROVAL_THRESHOLD reads per-currency amounts; unset, development has no approval step', () => {
    expect(loadConfig({}).approvalThresholds).toEqual({});
    expect(loadConfig({ APPROVAL_THRESHOLD: 'BRL:5000.00, EUR:1000' }).approvalThresholds).toEqual({ BRL: '5000.00', EUR: '1000' });
    expect(() => loadConfig({ APPROVAL_THRESHOLD: 'BRL=5000' })).toThrow(/APPROVAL_THRESHOLD must be CURRENCY:amount/);
    expect(loadConfig(PRODUCTION).production).toBe(true);
  });
});
