import { Pool } from 'undici';
import { hmacSignature, signingText } from '../src/wallet';
import { scenario, ScenarioName, World } from './scenarios';
import { Recorder, ScenarioStats } from './stats';

export interface LoadOptions {
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  scenario: ScenarioName;
  world: World;
  previousWithdraws: number;
  concurrency: number;
  seconds: number;
  /** Prefixes every id, so an untimed warm-up never collides with the measured run. */
  idPrefix?: string;
}

/** Drives one scenario with `concurrency` virtual clients over keep-alive connections for `seconds`. */
export async function drive(options: LoadOptions): Promise<ScenarioStats> {
  const pool = new Pool(options.baseUrl, { connections: options.concurrency, pipelining: 1 });
  const next = scenario(options.scenario, options.world, options.previousWithdraws, options.idPrefix);
  const recorder = new Recorder();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(options.seconds * 1e9));
  let counter = 0;

  const client = async () => {
    while (process.hrtime.bigint() < deadline) {
      for (const step of next(counter++)) {
        const raw = JSON.stringify(step.body);
        const signature = hmacSignature(options.privateKey, signingText('POST', `${options.baseUrl}${step.path}`, Buffer.from(raw)));
        const sent = process.hrtime.bigint();
        const res = await pool.request({
          method: 'POST',
          path: step.path,
          headers: { 'content-type': 'application/json', 'public-key': options.publicKey, signature },
          body: raw,
        });
        const text = await res.body.text();
        const ms = Number(process.hrtime.bigint() - sent) / 1e6;
        const ok = res.statusCode === 200;
        recorder.record(ms, ok, step.transactionId, ok ? undefined : (JSON.parse(text) as { code?: string }).code ?? `HTTP_${res.statusCode}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  return recorder.summary(seconds);
}

// Run as a child process: receive the options, send back the figures. Keeps the load generator's CPU apart
// from the server's, as a real aggregator's would be.
if (require.main === module && process.send) {
  process.once('message', (options: LoadOptions) => {
    drive(options)
      .then((stats) => process.send!(stats, () => process.exit(0)))
      .catch((error: Error) => {
        console.error(error);
        process.exit(1);
      });
  });
}
