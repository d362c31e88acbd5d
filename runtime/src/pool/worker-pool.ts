/**
 * The inference pool: piscina worker threads that each hold one loaded copy
 * of the model, behind an admission bound. Past the bound a caller gets
 * OVERLOADED at once: the queue never grows without limit.
 *
 * Failure mapping (the worker itself never throws; see task.ts):
 *   task aborted by the deadline  -> TIMEOUT (piscina ends that worker; a new one loads)
 *   worker exited or threw        -> WORKER_CRASHED (piscina replaces it)
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { InferenceRequest } from '../api/wire.js';
import type { ModelConfig } from '../config/model-config.js';
import type { TaskResult, WorkerReport, WorkerSetup } from './task.js';

export interface WorkerPoolOptions {
  modelDir: string;
  config: ModelConfig;
  weights: string[];
  allowedRoots: string[];
  workers: number;
  maxInFlight: number;
  timeoutMs: number;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Override for tests: the worker module to run. */
  workerFile?: string;
}

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

export class WorkerPool {
  readonly workers: number;
  readonly maxInFlight: number;
  #inFlight = 0;
  readonly #options: WorkerPoolOptions;
  readonly #piscina: Piscina;
  readonly #channel: BroadcastChannel;
  #readyCount = 0;
  #onReport: ((r: WorkerReport) => void) | null = null;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.workers = options.workers;
    this.maxInFlight = options.maxInFlight;
    const readyChannel = `ruth-pool-${randomUUID()}`;
    this.#channel = new BroadcastChannel(readyChannel);
    this.#channel.onmessage = (ev: unknown) => this.#report((ev as { data: WorkerReport }).data);
    const setup: WorkerSetup = {
      modelDir: options.modelDir,
      config: options.config,
      weights: options.weights,
      allowedRoots: options.allowedRoots,
      readyChannel,
      workerCounter: new SharedArrayBuffer(4),
    };
    this.#piscina = new Piscina({
      filename: options.workerFile ?? WORKER_FILE,
      minThreads: options.workers,
      maxThreads: options.workers,
      // Never shrink: an idle worker holds a loaded model worth keeping.
      idleTimeout: Number.MAX_SAFE_INTEGER,
      workerData: setup,
    });
    // Errors not tied to a task (a worker dying between tasks) must not kill the process.
    this.#piscina.on('error', (err: Error) => options.log('error', 'worker error', { error: err.message }));
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when every worker has loaded and warmed up; rejects on the first load failure. */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`workers not ready after ${timeoutMs} ms`)), timeoutMs);
      this.#onReport = (r) => {
        if (r.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`worker ${r.workerId} could not load the model: ${r.message}`));
        } else if (this.#readyCount >= this.workers) {
          clearTimeout(timer);
          resolve();
        }
      };
      if (this.#readyCount >= this.workers) this.#onReport({ type: 'ready', workerId: -1, loadMs: 0, warmupMs: 0 });
    });
  }

  #report(r: WorkerReport): void {
    if (r.type === 'ready') {
      this.#readyCount++;
      this.#options.log('info', 'worker ready', { worker: r.workerId, load_ms: r.loadMs, warmup_ms: r.warmupMs });
    } else {
      this.#options.log('error', 'worker failed to load', { worker: r.workerId, error: r.message });
    }
    this.#onReport?.(r);
  }

  /** Runs one validated request. Never rejects: every failure is a TaskResult with a code. */
  run(request: InferenceRequest): Promise<TaskResult> | TaskResult {
    if (this.#inFlight >= this.maxInFlight) {
      return { ok: false, code: 'OVERLOADED', message: `${this.#inFlight} requests in flight, the limit is ${this.maxInFlight} (RUTH_MAX_IN_FLIGHT)` };
    }
    this.#inFlight++;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#options.timeoutMs);
    return (this.#piscina.run({ request }, { signal: abort.signal }) as Promise<TaskResult>).then(
      (result) => {
        clearTimeout(timer);
        this.#inFlight--;
        return result;
      },
      (err: Error) => {
        clearTimeout(timer);
        this.#inFlight--;
        if (abort.signal.aborted) {
          return { ok: false, code: 'TIMEOUT', message: `inference took longer than request_timeout_ms ${this.#options.timeoutMs}` } as const;
        }
        this.#options.log('error', 'worker crashed', { error: err.message });
        return { ok: false, code: 'WORKER_CRASHED', message: `the worker running this request died (${err.message}); it has been replaced` } as const;
      },
    );
  }

  async close(): Promise<void> {
    this.#channel.close();
    await this.#piscina.destroy();
  }
}
