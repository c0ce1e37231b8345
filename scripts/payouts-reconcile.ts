/**
 * Compares our payouts with a provider's records (README: "Reconciliation"). Exit code 0 when they agree,
 * 1 with one line per mismatch, 2 when it could not run.
 *
 *   npm run payouts:reconcile -- --provider jumppag --from 2026-03-01 --to 2026-03-02
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openToolDb } from '../src/db';
import { createLogger } from '../src/log';
import { buildProviders, describeReconciliation, PayoutEngine } from '../src/payouts';

function date(text: string | undefined, name: string): Date {
  const value = text === undefined ? new Date(NaN) : new Date(text);
  if (Number.isNaN(value.getTime())) throw new Error(`--${name} must be an ISO 8601 date, e.g. 2026-03-01`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { provider: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });
  if (!values.provider) throw new Error('--provider is required (orkestra, paystar, hashlee or jumppag)');
  const range = { from: date(values.from, 'from'), to: date(values.to, 'to') };
  const config = loadConfig();
  const logger = createLogger('warn');
  const { db, close } = await openToolDb(config, logger);
  try {
    const engine = new PayoutEngine(db, buildProviders(config.payouts), config.payouts, logger);
    const result = await engine.reconcile(values.provider, range);
    process.stdout.write(describeReconciliation(result));
    return result.mismatches.length === 0 ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`payouts:reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
