/**
 * The server's Prometheus metrics (prom-client, in a registry of its own).
 * Names follow Triton's (nv_inference_request_success, _failure, queue and
 * compute durations, pending count) with a `ruth_` prefix and Prometheus'
 * units: seconds, `_total` on counters. docs/protocol.md lists every one.
 *
 * The hot path only bumps plain numbers: histograms are CheapHistograms,
 * and counters are tallied here and handed to prom-client's Counters when a
 * scrape collects them, as are the pool's in-flight and pending counts. So a
 * request costs a few adds, whatever the scrape rate; prom-client still
 * formats the exposition.
 */
import type { Counter, Registry } from 'prom-client';
import { lazyRequire } from '../lazy-require.js';
import { CheapHistogram } from './cheap-histogram.js';
import type { ErrorCode } from '../errors/codes.js';

// Loaded when a server makes its metrics: the worker threads, which import
// this module through the runtime's entry, never do (lazy-require.ts).
const promClient = lazyRequire<typeof import('prom-client')>('prom-client');

/** Seconds: 50 µs (a no-op's round trip) up to 10 s (a request_timeout_ms). */
const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Distinct camera_id labels kept; frames of further cameras count under OTHER_CAMERA. */
export const DEFAULT_MAX_CAMERAS = 64;
export const OTHER_CAMERA = 'other';

/** Per-request stage times measured in the worker, in ms (absent when the request failed before it). */
export interface StageTimes {
  readMs?: number;
  preprocessMs?: number;
  inferMs?: number;
}

export interface MetricsIdentity {
  modelId: string;
  modelVersion: string;
  runtimeVersion: string;
  engine: string;
}

export interface PoolState {
  inFlight(): number;
  queued(): number;
}

/** Sets a counter to a tally at scrape time (prom-client counters only count up, so: reset, then add). */
function tally(counter: Counter, value: number): void {
  counter.reset();
  if (value > 0) counter.inc(value);
}

export class Metrics {
  #registry: Registry | null = null;
  readonly #identity: MetricsIdentity;
  #success = 0;
  readonly #failures = new Map<string, number>();
  readonly #queue: CheapHistogram;
  readonly #read: CheapHistogram;
  readonly #preprocess: CheapHistogram;
  readonly #infer: CheapHistogram;
  readonly #total: CheapHistogram;
  #restarts = 0;
  #loadFailures = 0;
  /** Frames per camera label; at most maxCameras keys plus OTHER_CAMERA. */
  readonly #frames = new Map<string, number>();
  #otherFrames = 0;
  readonly #maxCameras: number;
  #pool: PoolState | null = null;

  constructor(identity: MetricsIdentity, maxCameras = DEFAULT_MAX_CAMERAS) {
    this.#identity = identity;
    this.#maxCameras = maxCameras;
    const histogram = (name: string, help: string): CheapHistogram => new CheapHistogram({ name, help, buckets: BUCKETS });
    this.#queue = histogram('ruth_inference_queue_duration_seconds', 'Time from admission until a worker was handed the request.');
    this.#read = histogram('ruth_inference_frame_read_duration_seconds', 'Time the worker spent reading the frame from shared memory.');
    this.#preprocess = histogram('ruth_inference_compute_input_duration_seconds', 'Time the worker spent turning the frame into the model input (convert, resize, normalise).');
    this.#infer = histogram('ruth_inference_compute_infer_duration_seconds', "Time the model's handler spent in infer().");
    this.#total = histogram('ruth_inference_request_duration_seconds', 'Time from reading the whole request to having its answer, for every inference request.');
  }

  /**
   * prom-client's registry, made on the first scrape: loading prom-client
   * took 0.1-1 s of the main thread at start, before the workers could load
   * (the counts above are plain numbers until then).
   */
  get registry(): Registry {
    this.#registry ??= this.#makeRegistry();
    return this.#registry;
  }

  #makeRegistry(): Registry {
    const { Counter, Gauge, Registry } = promClient();
    const registry = new Registry();
    const registers = [registry];
    const self = this;
    const identity = this.#identity;
    const maxCameras = this.#maxCameras;
    const info = new Gauge({
      name: 'ruth_model_info',
      help: 'The served model and the runtime serving it (value always 1).',
      labelNames: ['model_id', 'model_version', 'runtime_version', 'engine'],
      registers,
    });
    info.set({ model_id: identity.modelId, model_version: identity.modelVersion, runtime_version: identity.runtimeVersion, engine: identity.engine }, 1);
    new Counter({
      name: 'ruth_inference_request_success_total',
      help: 'Inference requests answered with detections.',
      registers,
      collect() {
        tally(this, self.#success);
      },
    });
    new Counter({
      name: 'ruth_inference_request_failure_total',
      help: 'Inference requests answered with an error, by error_code (docs/protocol.md).',
      labelNames: ['error_code'],
      registers,
      collect() {
        this.reset();
        for (const [code, n] of self.#failures) this.inc({ error_code: code }, n);
      },
    });
    for (const h of [this.#queue, this.#read, this.#preprocess, this.#infer, this.#total]) h.register(registry);
    new Gauge({
      name: 'ruth_inference_in_flight_requests',
      help: 'Admitted inference requests not yet answered (queued or running).',
      registers,
      collect() {
        this.set(self.#pool?.inFlight() ?? 0);
      },
    });
    new Gauge({
      name: 'ruth_inference_pending_request_count',
      help: 'Admitted inference requests waiting for a worker.',
      registers,
      collect() {
        this.set(self.#pool?.queued() ?? 0);
      },
    });
    new Counter({
      name: 'ruth_worker_restarts_total',
      help: 'Worker threads replaced after dying (crash, or a request past its deadline).',
      registers,
      collect() {
        tally(this, self.#restarts);
      },
    });
    new Counter({
      name: 'ruth_worker_load_failures_total',
      help: 'Worker threads that failed to load the model.',
      registers,
      collect() {
        tally(this, self.#loadFailures);
      },
    });
    new Counter({
      name: 'ruth_camera_frames_total',
      help: `Inference requests per camera_id; past ${maxCameras} distinct cameras, further ones count under camera_id="${OTHER_CAMERA}".`,
      labelNames: ['camera_id'],
      registers,
      collect() {
        this.reset();
        for (const [camera, n] of self.#frames) this.inc({ camera_id: camera }, n);
        if (self.#otherFrames > 0) this.inc({ camera_id: OTHER_CAMERA }, self.#otherFrames);
      },
    });
    return registry;
  }

  /** Lets the in-flight and pending gauges read the pool at scrape time. */
  watchPool(pool: PoolState): void {
    this.#pool = pool;
  }

  /** One answered inference request: outcome, total time, and its camera. */
  request(code: ErrorCode | null, totalMs: number, cameraId: string | null): void {
    if (code === null) this.#success++;
    else this.#failures.set(code, (this.#failures.get(code) ?? 0) + 1); // bounded: codes are a fixed list
    this.#total.observe(totalMs / 1000);
    if (cameraId !== null) this.#countFrame(cameraId);
  }

  queued(ms: number): void {
    this.#queue.observe(ms / 1000);
  }

  stages(t: StageTimes): void {
    if (t.readMs !== undefined) this.#read.observe(t.readMs / 1000);
    if (t.preprocessMs !== undefined) this.#preprocess.observe(t.preprocessMs / 1000);
    if (t.inferMs !== undefined) this.#infer.observe(t.inferMs / 1000);
  }

  workerRestarted(): void {
    this.#restarts++;
  }

  workerLoadFailed(): void {
    this.#loadFailures++;
  }

  /** The Prometheus text exposition (format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #countFrame(cameraId: string): void {
    const n = this.#frames.get(cameraId);
    if (n !== undefined) this.#frames.set(cameraId, n + 1);
    // Past the limit nothing more is remembered: the map stays bounded.
    else if (this.#frames.size < this.#maxCameras) this.#frames.set(cameraId, 1);
    else this.#otherFrames++;
  }
}
