/**
 * What crosses the thread boundary. Errors travel as plain `{code, message}`
 * data (never as thrown objects, which lose their class and code in
 * structured clone), and detections travel as JSON text so the main thread
 * never re-stringifies them.
 */
import type { InferenceRequest } from '../api/wire.js';
import type { ModelConfig } from '../config/model-config.js';
import type { ErrorCode } from '../errors/codes.js';

export interface TaskInput {
  request: InferenceRequest;
}

export type TaskResult =
  | { ok: true; detections: string; metadata: string }
  | { ok: false; code: ErrorCode; message: string };

/** Sent to each worker once, at start. */
export interface WorkerSetup {
  modelDir: string;
  config: ModelConfig;
  /** Absolute, sha256-verified weight paths. */
  weights: string[];
  allowedRoots: string[];
  /** BroadcastChannel name on which workers report load success or failure. */
  readyChannel: string;
  /** Int32Array[1] over a SharedArrayBuffer: hands out worker ids. */
  workerCounter: SharedArrayBuffer;
}

export type WorkerReport =
  | { type: 'ready'; workerId: number; loadMs: number; warmupMs: number }
  | { type: 'failed'; workerId: number; message: string };
