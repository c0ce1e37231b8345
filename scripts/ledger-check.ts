/**
 * Proves the ledger adds up (README: "Reconciliation"). Exit code 0 when sound, 1 with the list of problems.
 *
 *   npm run ledger:check                       # the embedded database of DATA_DIR (.data), or DATABASE_URL
 */
import { loadConfig } from '../src/config';
import { openToolDb } from '../src/db';
import { checkLedger, describeLedgerReport } from '../src/ledger';
import { createLogger } from '../src/log';

async function main(): Promise<number> {
  const config = loadConfig();
  const { db, close } = await openToolDb(config, createLogger('warn'));
  try {
    const report = await checkLedger(db, { timeoutMs: config.reportTimeoutMs });
    process.stdout.write(describeLedgerReport(report));
    return report.sound ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ledger-check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
