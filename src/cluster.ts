import cluster, { Worker } from 'node:cluster';
import type { Serializable } from 'node:child_process';
import { AggregatorRegistry, Registry } from 'prom-client';
import { Logger } from './log';
import type { Channel } from './wallet';

/**
 * Every core (WEB_CONCURRENCY workers on one port, node:cluster). The primary process serves nothing itself: it
 * migrates and starts the embedded PostgreSQL once, forks the workers, replaces one that dies, drains them all on
 * SIGTERM, and answers the workers' /metrics with the whole server's (prom-client's cluster aggregation). One worker
 * runs the job queue (graphile-worker takes each job once whoever runs it; one queue keeps its connections few).
 */
const METRICS_ASK = 'wallet:metrics-ask';
const METRICS_ANSWER = 'wallet:metrics-answer';
/** Set in a worker's environment: it is one of the cluster's workers, and whether it runs the job queue. */
export const CLUSTER_WORKER = 'WALLET_CLUSTER_WORKER';
export const RUNS_JOBS = 'WALLET_RUNS_JOBS';
/** Set in a worker's environment when the primary commits its wallet calls (src/wallet/hub.ts). */
const COMMITS_IN_PRIMARY = 'WALLET_COMMITS_IN_PRIMARY';
/** How long a drain may take before a worker is killed. */
const DRAIN_MS = 30_000;

export const isClusterWorker = () => cluster.isWorker && process.env[CLUSTER_WORKER] === '1';

/** Whether this process runs the job queue: a single process always, a cluster's one designated worker. */
export const runsJobQueue = () => !isClusterWorker() || process.env[RUNS_JOBS] === '1';

/** Whether this process is a cluster worker whose wallet calls its primary commits. */
export const commitsInPrimary = () => isClusterWorker() && process.env[COMMITS_IN_PRIMARY] === '1';

/**
 * In a worker: the registry the primary aggregates, and the whole server's metrics, asked of the primary. Each
 * metric says how it adds up across workers (prom-client's `aggregator`): counts and process figures are summed,
 * figures read from the database are the same in every worker and taken once.
 */
export function clusterMetricsOf(registry: Registry): (() => Promise<string>) | undefined {
  if (!isClusterWorker()) return undefined;
  new AggregatorRegistry(); // made in a worker, it answers the primary's requests for this worker's metrics
  AggregatorRegistry.setRegistries([registry]);
  const waiting = new Map<number, (text: string) => void>();
  let next = 0;
  process.on('message', (message: { type?: string; id?: number; text?: string }) => {
    if (message?.type === METRICS_ANSWER) waiting.get(message.id!)?.(message.text!);
  });
  return () => new Promise((resolve, reject) => {
    const id = next++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the primary did not answer with the cluster metrics'));
    }, 6000);
    waiting.set(id, (text) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(text);
    });
    process.send!({ type: METRICS_ASK, id });
  });
}

/** In a worker: its channel to the primary. */
export function primaryPort(): Channel {
  return {
    send: (message, callback) => process.send!(message, undefined, undefined, callback),
    on: (event: string, listener: (...args: never[]) => void) => process.on(event, listener as () => void),
  };
}

export interface ClusterOptions {
  workers: number;
  /** The environment every worker gets on top of the primary's (the database URLs, its pool share). */
  env: Record<string, string>;
  logger: Logger;
  /** Runs once every worker has exited, before the primary does (the embedded PostgreSQL's stop). */
  afterDrain: () => Promise<void>;
  /** Serves one worker, as soon as it is forked: the wallet calls it hands to the primary (src/wallet/hub.ts). */
  serveWorker?: (worker: Channel) => void;
  /** The primary's own metrics, given beside the workers' (the cluster's group commit). */
  ownMetrics?: () => Promise<string>;
}

/** The primary: forks the workers and keeps them, until SIGTERM or SIGINT drains them. */
export function runPrimary(options: ClusterOptions): void {
  const { logger } = options;
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const listening = new Set<number>();
  /** Which workers run the job queue: a dead one's replacement takes its place. */
  const jobRunner = new Map<number, boolean>();
  const fork = (runsJobs: boolean): Worker => {
    const worker = cluster.fork({ ...options.env, [CLUSTER_WORKER]: '1', [RUNS_JOBS]: runsJobs ? '1' : '0', [COMMITS_IN_PRIMARY]: options.serveWorker ? '1' : '0' });
    jobRunner.set(worker.id, runsJobs);
    options.serveWorker?.({
      send: (message, callback) => worker.send(message as Serializable, undefined, callback),
      on: (event: string, listener: (...args: never[]) => void) => worker.on(event, listener as () => void),
    });
    worker.once('listening', () => listening.add(worker.id));
    worker.on('message', (message: { type?: string; id?: number }) => {
      if (message?.type !== METRICS_ASK) return;
      Promise.all([aggregator.clusterMetrics(), options.ownMetrics?.() ?? ''])
        .then(([workers, own]) => worker.send({ type: METRICS_ANSWER, id: message.id, text: `${workers}\n${own}` }))
        .catch((error: Error) => logger.warn('cluster metrics failed', { error: error.message }));
    });
    return worker;
  };
  for (let i = 0; i < options.workers; i += 1) fork(i === 0);

  cluster.on('exit', (worker, code, signal) => {
    const runsJobs = jobRunner.get(worker.id) ?? false;
    jobRunner.delete(worker.id);
    if (stopping) return;
    if (!listening.has(worker.id)) {
      // it could not start (a configuration error, a database it may not serve as): another would fail the same way
      logger.error('a worker could not start: stopping the server', { pid: worker.process.pid, code, signal });
      void drain('a worker could not start', code ?? 1);
      return;
    }
    // its calls in flight got no answer; the aggregator sends them again, and each is found by its key
    logger.error('a worker died: starting another', { pid: worker.process.pid, code, signal, runsJobs });
    fork(runsJobs);
  });

  async function drain(signal: string, exitCode = 0) {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down every worker', { signal, workers: Object.keys(cluster.workers ?? {}).length });
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      const timer = setTimeout(() => worker.process.kill('SIGKILL'), DRAIN_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.process.kill('SIGTERM');
    })));
    await options.afterDrain();
    logger.info('stopped');
    process.exit(exitCode);
  }
  process.on('SIGTERM', () => void drain('SIGTERM'));
  process.on('SIGINT', () => void drain('SIGINT'));
  logger.info('wallet server starting its workers', { workers: options.workers });
}
