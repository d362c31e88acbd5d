/**
 * The heartbeat file the platform's health service already reads
 * (`<dir>/vas_heartbeat_<model_id>.json`, younger than 30 s = healthy).
 * Written by temp file + rename so a reader never sees half a file.
 */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceStatus, Stats } from './stats.js';

export const HEARTBEAT_INTERVAL_MS = 5000;

export function heartbeatPathFor(dir: string, modelId: string): string {
  return path.join(dir, `vas_heartbeat_${modelId}.json`);
}

export class Heartbeat {
  readonly file: string;
  readonly #modelId: string;
  readonly #stats: Stats;
  readonly #status: () => ServiceStatus;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(dir: string, modelId: string, stats: Stats, status: () => ServiceStatus) {
    this.file = heartbeatPathFor(dir, modelId);
    this.#modelId = modelId;
    this.#stats = stats;
    this.#status = status;
  }

  start(intervalMs = HEARTBEAT_INTERVAL_MS): Promise<void> {
    this.#timer = setInterval(() => void this.write(), intervalMs);
    this.#timer.unref();
    return this.write();
  }

  /** Writes once now; writes never overlap (each waits for the one before). */
  write(statusOverride?: ServiceStatus): Promise<void> {
    this.#writing = this.#writing.then(() => this.#writeNow(statusOverride ?? this.#status())).catch(() => undefined);
    return this.#writing;
  }

  async stop(finalStatus: ServiceStatus = 'stopped'): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.write(finalStatus);
  }

  async #writeNow(status: ServiceStatus): Promise<void> {
    const s = this.#stats.snapshot();
    const body = {
      model_id: this.#modelId,
      timestamp: new Date().toISOString(),
      status,
      total_requests: s.total_requests,
      total_errors: s.total_errors,
      avg_latency_ms: s.avg_latency_ms,
      uptime_seconds: s.uptime_seconds,
      pid: process.pid,
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(body)}\n`);
    await rename(tmp, this.file);
  }
}
