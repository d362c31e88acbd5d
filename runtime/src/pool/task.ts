/**
 * What crosses the thread boundary. Errors travel as plain `{code, message}`
 * data (never as thrown objects, which lose their class and code in
 * structured clone), and detections travel as JSON text so the main thread
 * never re-stringifies them.
 */
import type { InferenceRequest } from '../api/wire.js';
import type { ModelConfig } from '../config/model-config.js';
import type { ErrorCode } from '../errors/codes.js';
import type { StageTimes } from '../metrics/metrics.js';
import type { Echo } from '../ipc/response.js';
import type { MessagePort } from 'node:worker_threads';
import type { DirectReply } from './reply-lease.js';

/** `times`: the worker's stage times, for the metrics (absent for answers the pool gives itself). */
export type TaskResult =
  | { ok: true; detections: string; metadata: string; times?: StageTimes }
  | { ok: false; code: ErrorCode; message: string; times?: StageTimes };

/** Sent to each worker once, at start, as workerData. */
export interface WorkerSetup {
  modelDir: string;
  config: ModelConfig;
  allowedRoots: string[];
  /** 0-based slot index; a replacement worker keeps its slot's id. */
  workerId: number;
  /** How many slots the pool has. */
  workers: number;
  /**
   * 16 bytes: Int32 at 0, the seq of the task the worker is running (0 = none),
   * read by the main thread after a crash; Int32 at 4, the claim word (the
   * worker claims task i of a batch by swapping base + i for base + i + 1;
   * the main thread takes back the unclaimed rest by swapping in -1);
   * Float64 at 8, when the running task started (epoch ms), read when its
   * deadline passes.
   */
  current: SharedArrayBuffer;
  /** The pool's answer leases (reply-lease.ts), shared by every worker. */
  leases: SharedArrayBuffer;
  /** Where results go: a port the main thread can also read synchronously (WorkerSlot.drain). */
  results: MessagePort;
}

/** A request as handed to a worker; `reply`: it may write the answer itself (reply-lease.ts). */
export interface WorkerTask {
  seq: number;
  request: InferenceRequest;
  reply?: DirectReply & { echo: Echo };
}

/** A worker's result; `rest`: the framed answer's bytes its own write left unwritten. */
export interface WorkerResult {
  seq: number;
  result: TaskResult;
  rest?: Uint8Array;
}

/**
 * Main -> worker. `weights` comes once, first: the absolute weight paths,
 * after the main thread has checked every sha256 (the thread boots and
 * imports the handler meanwhile, and loads nothing before it).
 */
export type ToWorker =
  | { type: 'weights'; paths: string[] }
  | { type: 'run'; base: number; tasks: WorkerTask[] }
  | { type: 'close' };

/** Worker -> main, on the thread's own port. */
export type FromWorker = { type: 'ready'; loadMs: number; warmupMs: number } | { type: 'failed'; message: string };

/** Worker -> main, on the results port. `busyMs`: time the worker spent running these tasks (without the hand-off). */
export interface ResultsMessage {
  results: WorkerResult[];
  busyMs: number;
}
