/**
 * The watcher's counters and the one live line that shows them:
 *   sent, answered, errors, dropped (camera frames skipped because the model
 *   was still busy), answer rate and camera rate over the last few seconds,
 *   and latency p50/p99 over every answer so far.
 */
export interface WatchFigures {
  sent: number;
  answered: number;
  errors: number;
  dropped: number;
  /** Answers per second over the last RATE_WINDOW_MS. */
  fps: number;
  /** Camera frames per second over the same window (from frame ids). */
  cameraFps: number;
  p50Ms: number;
  p99Ms: number;
  people: number;
  falls: number;
}

const RATE_WINDOW_MS = 5000;

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export class WatchStats {
  sent = 0;
  answered = 0;
  errors = 0;
  dropped = 0;
  /** Detections of the last answer, by class. */
  lastCounts: Record<string, number> = {};
  readonly #latencies: number[] = [];
  /** [time ms, frame id] of recent answers, for the rates. */
  readonly #recent: Array<[number, number]> = [];

  /** A frame is about to be sent; `skipped` camera frames came and went since the last one sent. */
  onSend(skipped: number): void {
    this.sent++;
    this.dropped += skipped;
  }

  onAnswer(frameId: number, latencyMs: number, classes: readonly string[], at = performance.now()): void {
    this.answered++;
    this.#latencies.push(latencyMs);
    this.lastCounts = {};
    for (const c of classes) this.lastCounts[c] = (this.lastCounts[c] ?? 0) + 1;
    this.#recent.push([at, frameId]);
    while (this.#recent.length > 2 && at - this.#recent[0]![0] > RATE_WINDOW_MS) this.#recent.shift();
  }

  onError(): void {
    this.errors++;
  }

  figures(): WatchFigures {
    const sorted = Float64Array.from(this.#latencies).sort();
    const r = this.#recent;
    const span = r.length > 1 ? (r[r.length - 1]![0] - r[0]![0]) / 1000 : 0;
    return {
      sent: this.sent,
      answered: this.answered,
      errors: this.errors,
      dropped: this.dropped,
      fps: span > 0 ? (r.length - 1) / span : 0,
      cameraFps: span > 0 ? Math.max(0, r[r.length - 1]![1] - r[0]![1]) / span : 0,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      people: this.lastCounts.person ?? 0,
      falls: this.lastCounts.fall ?? 0,
    };
  }

  line(): string {
    const f = this.figures();
    const ms = (v: number): string => (Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);
    return `sent ${f.sent}  answered ${f.answered}  errors ${f.errors}  dropped ${f.dropped}  ` +
      `${f.fps.toFixed(1)} fps (camera ${f.cameraFps.toFixed(1)})  p50 ${ms(f.p50Ms)}  p99 ${ms(f.p99Ms)}  ` +
      `last frame: ${f.people} person, ${f.falls} fall`;
  }
}
