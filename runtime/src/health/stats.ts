/**
 * Request counters for `op: health` and the heartbeat file. Percentiles come
 * from a ring of the most recent latencies, so recording costs O(1) and a
 * health request sorts at most WINDOW numbers.
 */
const WINDOW = 4096;

/**
 * `loading`, `ready`, `draining`, `stopped` are lifecycle phases; a ready
 * server reports `degraded` (serving, with a problem) or `not_ready` (cannot
 * serve now) while something is wrong (health/condition.ts).
 */
export type ServiceStatus = 'loading' | 'ready' | 'degraded' | 'not_ready' | 'draining' | 'stopped';

export interface StatsSnapshot {
  total_requests: number;
  total_errors: number;
  in_flight: number;
  avg_latency_ms: number;
  p50_latency_ms: number;
  p99_latency_ms: number;
  uptime_seconds: number;
  /** Connections open now, and refused at RUTH_MAX_CONNECTIONS since start. */
  open_connections: number;
  refused_connections: number;
}

export class Stats {
  totalRequests = 0;
  totalErrors = 0;
  inFlight = 0;
  refusedConnections = 0;
  /** Set by the server: how many connections are open. */
  openConnections: () => number = () => 0;
  readonly #startedAt = performance.now();
  #latencySum = 0;
  #latencyCount = 0;
  readonly #ring = new Float64Array(WINDOW);
  #ringNext = 0;

  /** Records one finished request (inference or error; control ops are not counted). */
  record(latencyMs: number, failed: boolean): void {
    this.totalRequests++;
    if (failed) this.totalErrors++;
    this.#latencySum += latencyMs;
    this.#latencyCount++;
    this.#ring[this.#ringNext % WINDOW] = latencyMs;
    this.#ringNext++;
  }

  uptimeSeconds(): number {
    return Math.round((performance.now() - this.#startedAt) / 10) / 100;
  }

  snapshot(): StatsSnapshot {
    const n = Math.min(this.#ringNext, WINDOW);
    const recent = this.#ring.slice(0, n).sort();
    const pick = (q: number): number => (n === 0 ? 0 : round3(recent[Math.min(n - 1, Math.floor(q * n))]!));
    return {
      total_requests: this.totalRequests,
      total_errors: this.totalErrors,
      in_flight: this.inFlight,
      avg_latency_ms: this.#latencyCount === 0 ? 0 : round3(this.#latencySum / this.#latencyCount),
      p50_latency_ms: pick(0.5),
      p99_latency_ms: pick(0.99),
      uptime_seconds: this.uptimeSeconds(),
      open_connections: this.openConnections(),
      refused_connections: this.refusedConnections,
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
