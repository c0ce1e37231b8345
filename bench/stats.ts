export interface ScenarioStats {
  requests: number;
  errors: number;
  /** Error answers by code, e.g. { ERROR_TRANSACTION_INSUFFICIENT_FUNDS: 3 }. */
  errorCodes: Record<string, number>;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Distinct transactionIds answered 200, for the movement count check. */
  distinctSuccesses: number;
  /** Steps 0 to this (exclusive) of the scenario were all sent, whichever load process sent each: what a later scenario may settle. */
  stepsInOrder?: number;
  /** CPU the load processes spent while they ran (ms), so that their cost per call shows. */
  loadCpuMs?: number;
  /** How many load processes drove it, and the busiest one's CPU as a share of its wall time: near 1 it saturated. */
  loadProcesses?: number;
  loadBusiest?: number;
}

/** One load process's run as it saw it: every latency and outcome, to be merged with the others'. */
export interface RecordedRun {
  latencies: number[];
  errors: number;
  errorCodes: Record<string, number>;
  successes: string[];
  /** How many of its share's steps it sent. */
  steps: number;
  seconds: number;
  cpuMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/** Collects latencies and outcomes of one scenario. */
export class Recorder {
  private latencies: number[] = [];
  private errorCodes: Record<string, number> = {};
  private successes = new Set<string>();
  private errors = 0;

  record(latencyMs: number, ok: boolean, transactionId: string | undefined, code?: string): void {
    this.latencies.push(latencyMs);
    if (ok) {
      if (transactionId) this.successes.add(transactionId);
      return;
    }
    this.errors += 1;
    const key = code ?? 'UNKNOWN';
    this.errorCodes[key] = (this.errorCodes[key] ?? 0) + 1;
  }

  recorded(steps: number, seconds: number, cpuMs: number): RecordedRun {
    return { latencies: this.latencies, errors: this.errors, errorCodes: this.errorCodes, successes: [...this.successes], steps, seconds, cpuMs };
  }

  summary(seconds: number): ScenarioStats {
    const sorted = Float64Array.from(this.latencies).sort();
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      requests: this.latencies.length,
      errors: this.errors,
      errorCodes: this.errorCodes,
      seconds: round(seconds),
      rps: Math.round(this.latencies.length / seconds),
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.length ? sorted[sorted.length - 1] : 0),
      distinctSuccesses: this.successes.size,
    };
  }

  /** The runs of load processes that ran side by side, as one: over the longest one's time, successes counted once. */
  static merge(runs: RecordedRun[]): ScenarioStats {
    const all = new Recorder();
    for (const run of runs) {
      for (const ms of run.latencies) all.latencies.push(ms);
      all.errors += run.errors;
      for (const [code, n] of Object.entries(run.errorCodes)) all.errorCodes[code] = (all.errorCodes[code] ?? 0) + n;
      for (const id of run.successes) all.successes.add(id);
    }
    const seconds = Math.max(...runs.map((r) => r.seconds));
    return {
      ...all.summary(seconds),
      // share i sends steps i, i + n, …: all of the first n × (fewest any share sent) were sent
      stepsInOrder: runs.length * Math.min(...runs.map((r) => r.steps)),
      loadCpuMs: runs.reduce((sum, r) => sum + r.cpuMs, 0),
      loadProcesses: runs.length,
      loadBusiest: Math.round(Math.max(...runs.map((r) => r.cpuMs / (r.seconds * 1000))) * 100) / 100,
    };
  }
}
