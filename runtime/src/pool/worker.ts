/**
 * The worker thread: one per pool slot. It imports the model's handler,
 * runs load() and warmup once, then runs the batches the main thread sends:
 *   readFrame -> preprocess -> handler.infer -> validate -> JSON text.
 * Tasks of a batch run one after another; results are posted in one message
 * per turn of the event loop, so a burst of small requests costs one thread
 * wake-up each way instead of one per request. Each task is claimed before it
 * starts (see worker-slot.ts): the main thread may have taken back the rest
 * of the batch for another worker. Results already done are posted before
 * the next task starts, so none waits behind a slow one. A task that comes
 * with a reply lease is answered straight to its caller's socket by this
 * thread (reply-lease.ts); its result still goes to the main thread, which
 * counts it and writes whatever this thread could not.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { InputTensor, MergedConfig, ModelDefinition } from '../api/model.js';
import { deepFreeze } from '../config/deep-freeze.js';
import { pinOnnxRuntime } from '../engines/onnx.js';
import { defaultConfig } from '../config/default-config.js';
import { isRuntimeError } from '../errors/errors.js';
import { readFrame } from '../frames/read-frame.js';
import { jsonLogger } from '../log/logger.js';
import { preprocess, syntheticInput } from '../preprocess/preprocess.js';
import { releaseInput } from '../preprocess/tensor-pool.js';
import { encodeMessage } from '../ipc/message-codec.js';
import { errorResponse, successResponse } from '../ipc/response.js';
import { MAX_DIRECT_BYTES, writeDirect } from './reply-lease.js';
import { normaliseOutput } from './validate-output.js';
import type { FromWorker, ResultsMessage, TaskResult, ToWorker, WorkerResult, WorkerSetup, WorkerTask } from './task.js';
import type { InferenceRequest } from '../api/wire.js';
import type { StageTimes } from '../metrics/metrics.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
/** Shared words: the running task's seq (0 = none) and the batch's claim word (layout in task.ts). */
const current = new Int32Array(setup.current, 0, 1);
const claim = new Int32Array(setup.current, 4, 1);
/** When the running task started (epoch ms), so the pool can end a worker only for its own running time. */
const startedAt = new Float64Array(setup.current, 8, 1);
const leases = new Int32Array(setup.leases);
const workerId = setup.workerId;
const post = (m: FromWorker): void => port.postMessage(m);
const postResults = (m: ResultsMessage): void => setup.results.postMessage(m);

// Structured clone drops the loaded config's freeze: freeze this thread's copy again.
const config = deepFreeze(setup.config);
// The request's own `config` is merged over these, key by key.
const defaults: MergedConfig = Object.freeze(defaultConfig(config));
const readOptions = { allowedRoots: setup.allowedRoots };

const logger = jsonLogger({ model_id: config.model_id, worker: workerId });
/** The handler's `log`: info lines tagged with the model and this worker. */
const log = (msg: string, fields?: Record<string, unknown>): void => logger('info', msg, fields);

const ms = (from: number, to: number): number => Math.round((to - from) * 1000) / 1000;

/**
 * The weight paths, posted by the main thread once it has checked every
 * sha256 (task.ts ToWorker): this thread imports the handler and the engine
 * meanwhile, but load() opens no weight before. A close before then (the
 * start failed) ends the thread: nothing is loaded yet.
 */
const verifiedWeights = new Promise<string[]>((resolve) => {
  const early = (msg: ToWorker): void => {
    if (msg.type === 'close') process.exit(0);
    if (msg.type !== 'weights') return;
    port.off('message', early);
    resolve(msg.paths);
  };
  port.on('message', early);
});

async function loadModel(): Promise<{ def: ModelDefinition; state: unknown }> {
  const file = path.resolve(setup.modelDir, config.handler);
  const mod = (await import(pathToFileURL(file).href)) as { default?: ModelDefinition };
  const def = mod.default;
  if (!def || typeof def.load !== 'function' || typeof def.infer !== 'function') {
    throw new Error(`handler ${file} must default-export defineModel({ load, infer }) (found ${typeof def})`);
  }
  // The engine's native addon too, while the weights are checked (the handler loads it in load()).
  if (config.engine === 'onnx') pinOnnxRuntime(setup.modelDir);
  const weights = await verifiedWeights;
  const t0 = performance.now();
  const state = await def.load({ config, modelDir: setup.modelDir, weights, workerId, workers: setup.workers, log });
  const t1 = performance.now();
  if (def.warmup) await def.warmup(state, syntheticInput(config.input));
  post({ type: 'ready', loadMs: ms(t0, t1), warmupMs: ms(t1, performance.now()) });
  return { def, state };
}

async function runOne(def: ModelDefinition, state: unknown, request: InferenceRequest): Promise<TaskResult> {
  let stage: 'read' | 'preprocess' | 'infer' | 'output' = 'read';
  // Stage times for the metrics, filled as each stage ends (a failed stage has none).
  const times: StageTimes = {};
  let input: InputTensor | undefined;
  try {
    const t0 = performance.now();
    const frame = readFrame(request.frame_reference, request.frame_metadata, readOptions);
    const t1 = performance.now();
    times.readMs = t1 - t0;
    stage = 'preprocess';
    input = preprocess(frame, config.input);
    const t2 = performance.now();
    times.preprocessMs = t2 - t1;
    stage = 'infer';
    const merged: MergedConfig = request.config ? Object.freeze({ ...defaults, ...request.config } as MergedConfig) : defaults;
    const out = await def.infer(state, { request, input, config: merged, frame });
    const t3 = performance.now();
    times.inferMs = t3 - t2;
    stage = 'output';
    const { detections, metadata } = normaliseOutput(out);
    const timings = { read_ms: ms(t0, t1), preprocess_ms: ms(t1, t2), inference_ms: ms(t2, t3), total_ms: ms(t0, performance.now()), device: 'cpu', worker: workerId };
    return { ok: true, detections: JSON.stringify(detections), metadata: JSON.stringify(metadata ? { ...metadata, ...timings } : timings), times };
  } catch (err) {
    if (isRuntimeError(err)) return { ok: false, code: err.code, message: err.message, times };
    const message = err instanceof Error ? err.message : String(err);
    if (stage === 'infer') return { ok: false, code: 'INFERENCE_FAILED', message: `handler threw: ${message}`, times };
    if (stage === 'read') return { ok: false, code: 'FRAME_UNREADABLE', message: `frame ${request.frame_reference}: ${message}`, times };
    // What the handler returned cannot be checked or serialised (a BigInt, a
    // cycle, a getter that throws): the model's fault, not the runtime's.
    if (stage === 'output') return { ok: false, code: 'INFERENCE_FAILED', message: `handler returned a result that cannot be sent: ${message}`, times };
    return { ok: false, code: 'INTERNAL_ERROR', message: `${stage}: ${message}`, times };
  } finally {
    // The handler is done with it: the next frame reuses its memory (tensor-pool.ts).
    if (input) releaseInput(input);
  }
}

/**
 * Writes the task's answer to its caller when it holds a lease. Returns null
 * when nothing went out, else the bytes that did not fit (for the main
 * thread to write; empty when all did).
 */
function answerDirectly(reply: NonNullable<WorkerTask['reply']>, result: TaskResult): Uint8Array | null {
  const text = result.ok ? successResponse(reply.echo, result.detections, result.metadata) : errorResponse(reply.echo, result.code, result.message);
  // UTF-8 takes at least a byte per character: too long already, skip the encoding.
  if (text.length > MAX_DIRECT_BYTES) return null;
  const framed = encodeMessage(text);
  const bytes = writeDirect(leases, reply, framed);
  if (bytes === 0) return null;
  // A copy of just the rest: the framed bytes may share a pooled buffer.
  return new Uint8Array(framed.subarray(bytes));
}

async function main(): Promise<void> {
  let model: { def: ModelDefinition; state: unknown };
  try {
    model = await loadModel();
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const { def, state } = model;
  let outbox: WorkerResult[] = [];
  let busyMs = 0;
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (outbox.length === 0) return;
    postResults({ results: outbox, busyMs });
    outbox = [];
    busyMs = 0;
  };
  // Batches arrive in order and run in order, one task at a time.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'close') {
      chain = chain.then(async () => {
        flush();
        await def.dispose?.(state);
        // Ends this thread only; the main thread is waiting for its exit.
        process.exit(0);
      });
      return;
    }
    if (msg.type !== 'run') return;
    chain = chain.then(async () => {
      for (let i = 0; i < msg.tasks.length; i++) {
        flush();
        // Claimed, or taken back by the main thread with the rest of the batch.
        if (Atomics.compareExchange(claim, 0, msg.base + i, msg.base + i + 1) !== msg.base + i) break;
        const task = msg.tasks[i]!;
        startedAt[0] = performance.timeOrigin + performance.now();
        Atomics.store(current, 0, task.seq);
        const started = performance.now();
        const result = await runOne(def, state, task.request);
        // The task's own cost (it decides batching), without the answer's write: that wakes the caller, whose time it is.
        busyMs += performance.now() - started;
        // Still marked running: if this thread dies right after writing, the pool knows the task was answered (its lease says so).
        const rest = task.reply ? answerDirectly(task.reply, result) : null;
        Atomics.store(current, 0, 0);
        outbox.push(rest?.length ? { seq: task.seq, result, rest } : { seq: task.seq, result });
        // Answered already: report it at once, so health and metrics count it by the time the caller could ask.
        if (rest) flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      }
    });
  });
}

void main();
