/**
 * The heartbeat file the platform's health service already reads
 * (`<dir>/vas_heartbeat_<model_id>.json`, younger than 30 s = healthy).
 * Written by temp file + rename so a reader never sees half a file.
 *
 * The folder is often world-writable (/tmp), so the temporary file has a
 * random name and is created exclusively without following links: a planted
 * symlink cannot make the server overwrite another file, and rename replaces
 * a planted link at the final name rather than writing through it. A write
 * that fails (a planted folder, a full disk) is logged and reported as a
 * problem by health, never silently skipped.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Problem } from './condition.js';
import type { ServiceStatus, Stats } from './stats.js';

export const HEARTBEAT_INTERVAL_MS = 5000;

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export function heartbeatPathFor(dir: string, modelId: string): string {
  return path.join(dir, `vas_heartbeat_${modelId}.json`);
}

/** The model_id in a heartbeat file's name, or undefined for any other name. */
export function modelIdOfHeartbeat(fileName: string): string | undefined {
  return /^vas_heartbeat_(.+)\.json$/.exec(fileName)?.[1];
}

export class Heartbeat {
  readonly file: string;
  readonly #modelId: string;
  readonly #stats: Stats;
  readonly #status: () => ServiceStatus;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();
  #error: string | null = null;
  #errorKind: string | null = null;

  constructor(dir: string, modelId: string, stats: Stats, status: () => ServiceStatus, log: Logger = () => undefined) {
    this.file = heartbeatPathFor(dir, modelId);
    this.#modelId = modelId;
    this.#stats = stats;
    this.#status = status;
    this.#log = log;
  }

  /** A health problem while the last write failed, else null. */
  problem(): Problem | null {
    return this.#error === null ? null : { status: 'degraded', reason: `heartbeat file ${this.file} cannot be written: ${this.#error}` };
  }

  start(intervalMs = HEARTBEAT_INTERVAL_MS): Promise<void> {
    this.#timer = setInterval(() => void this.write(), intervalMs);
    this.#timer.unref();
    return this.write();
  }

  /** Writes once now; writes never overlap (each waits for the one before). Never rejects. */
  write(statusOverride?: ServiceStatus): Promise<void> {
    this.#writing = this.#writing.then(() => this.#writeNow(statusOverride ?? this.#status()).then(() => this.#succeeded(), (err: unknown) => this.#failed(err)));
    return this.#writing;
  }

  async stop(finalStatus: ServiceStatus = 'stopped'): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.write(finalStatus);
  }

  #succeeded(): void {
    if (this.#error === null) return;
    this.#error = null;
    this.#errorKind = null;
    this.#log('info', 'heartbeat write recovered', { file: this.file });
  }

  #failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    // One line per new kind of failure (errno code), not one every interval.
    const kind = (err as NodeJS.ErrnoException).code ?? message;
    if (kind !== this.#errorKind) this.#log('error', 'heartbeat write failed', { file: this.file, error: message });
    this.#error = message;
    this.#errorKind = kind;
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
    const tmp = `${this.file}.${randomBytes(8).toString('hex')}.tmp`;
    const handle = await open(tmp, CREATE_FLAGS, 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(body)}\n`);
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}
