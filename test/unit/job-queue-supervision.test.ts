import { Writable } from 'node:stream';
import winston from 'winston';
import { supervise } from '../../src/jobs';
import { eventually } from '../support/eventually';

const lines: Record<string, unknown>[] = [];
const log = winston.createLogger({
  format: winston.format.json(),
  transports: [new winston.transports.Stream({ stream: new Writable({ write(chunk, _e, done) { lines.push(JSON.parse(String(chunk))); done(); } }) })],
});

/** A runner whose promise the test settles: as graphile-worker's does when its cron loses the database. */
function fakeRunner() {
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((_resolve, reject) => (fail = reject));
  return { promise, stop: jest.fn(async () => undefined), fail };
}
const until = (holds: () => boolean) => eventually('the supervisor', async () => holds(), Boolean, { within: 1_000, every: 5 });

describe('the job queue under a database outage', () => {
  it('a runner that fails is logged and started again, and a start that fails is tried again with backoff: the process never ends for it', async () => {
    const runners = [fakeRunner(), fakeRunner()];
    let starts = 0;
    const start = jest.fn(async () => {
      starts += 1;
      if (starts === 2) throw new Error('connect ECONNREFUSED'); // the database is still away
      return runners.shift()!;
    });
    const delays: number[] = [];
    const worker = await supervise(start, log, (attempt) => (delays.push(attempt), 1));
    expect(worker.health()).toEqual({ running: true, restarts: 0, lastError: null });
    const first = (start.mock.results[0].value as Promise<ReturnType<typeof fakeRunner>>);
    (await first).fail(new Error('Connection terminated unexpectedly'));
    await until(() => starts === 3 && worker.health().running);
    expect(worker.health()).toMatchObject({ running: true, restarts: 2 });
    expect(delays).toEqual([0, 1]); // a failed restart waits longer before the next
    expect(lines.filter((l) => l.message === 'the job queue stopped; restarting it').map((l) => l.error)).toEqual(['Connection terminated unexpectedly', 'connect ECONNREFUSED']);
    await worker.stop();
  });

  it('stopping it stops the runner and no restart follows', async () => {
    const runner = fakeRunner();
    const start = jest.fn(async () => runner);
    const worker = await supervise(start, log, () => 1);
    await worker.stop();
    runner.fail(new Error('stopped'));
    await new Promise((r) => setTimeout(r, 20));
    expect(start).toHaveBeenCalledTimes(1);
    expect(runner.stop).toHaveBeenCalled();
  });
});
