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
  /** CPU the load process spent while it ran (ms), so that its cost per call, and whether it saturated a core, show. */
  loadCpuMs?: number;
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
}
