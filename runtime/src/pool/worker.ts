/**
 * The piscina worker module: one per worker thread. It imports the model's
 * handler, runs load() and warmup once, then serves tasks:
 *   readFrame -> preprocess -> handler.infer -> validate -> JSON text.
 *
 * Piscina awaits the default export when it is a promise, so a worker only
 * takes tasks after its model has loaded.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BroadcastChannel, workerData } from 'node:worker_threads';
import type { MergedConfig, ModelDefinition } from '../api/model.js';
import { isRuntimeError } from '../errors/runtime-error.js';
import { readFrame } from '../frames/read-frame.js';
import { preprocess, syntheticInput } from '../preprocess/preprocess.js';
import { normaliseOutput } from './validate-output.js';
import type { TaskInput, TaskResult, WorkerReport, WorkerSetup } from './task.js';

const setup = workerData as WorkerSetup;
const workerId = Atomics.add(new Int32Array(setup.workerCounter), 0, 1);
const channel = new BroadcastChannel(setup.readyChannel);
// The channel must not keep an idle worker alive; piscina owns its life.
channel.unref();
const report = (r: WorkerReport): void => channel.postMessage(r);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const config = deepFreeze(setup.config);
const defaults = { confidence_threshold: config.confidence_threshold, nms_iou_threshold: config.nms_iou_threshold };
const readOptions = { allowedRoots: setup.allowedRoots };

function log(msg: string, fields?: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg, model_id: config.model_id, worker: workerId, ...fields })}\n`);
}

function ms(from: number, to: number): number {
  return Math.round((to - from) * 1000) / 1000;
}

async function loadModel(): Promise<{ def: ModelDefinition; state: unknown }> {
  const file = path.resolve(setup.modelDir, config.handler);
  const mod = (await import(pathToFileURL(file).href)) as { default?: ModelDefinition };
  const def = mod.default;
  if (!def || typeof def.load !== 'function' || typeof def.infer !== 'function') {
    throw new Error(`handler ${file} must default-export defineModel({ load, infer }) (found ${typeof def})`);
  }
  const t0 = performance.now();
  const state = await def.load({ config, modelDir: setup.modelDir, weights: setup.weights, workerId, log });
  const t1 = performance.now();
  if (def.warmup) await def.warmup(state, syntheticInput(config.input));
  report({ type: 'ready', workerId, loadMs: ms(t0, t1), warmupMs: ms(t1, performance.now()) });
  return { def, state };
}

async function init(): Promise<(task: TaskInput) => Promise<TaskResult>> {
  let model: { def: ModelDefinition; state: unknown };
  try {
    model = await loadModel();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    report({ type: 'failed', workerId, message });
    // The pool stops on the report; until then answer tasks with the reason.
    return async () => ({ ok: false, code: 'NOT_READY', message: `model failed to load: ${message}` });
  }
  const { def, state } = model;

  return async function run(task: TaskInput): Promise<TaskResult> {
    const request = task.request;
    let stage: 'read' | 'preprocess' | 'infer' | 'output' = 'read';
    try {
      const t0 = performance.now();
      const frame = readFrame(request.frame_reference, request.frame_metadata, readOptions);
      const t1 = performance.now();
      stage = 'preprocess';
      const input = preprocess(frame, config.input);
      const t2 = performance.now();
      stage = 'infer';
      const merged: MergedConfig = request.config ? Object.freeze({ ...defaults, ...request.config } as MergedConfig) : defaults;
      const out = await def.infer(state, { request, input, config: merged });
      const t3 = performance.now();
      stage = 'output';
      const { detections, metadata } = normaliseOutput(out);
      const timings = {
        read_ms: ms(t0, t1),
        preprocess_ms: ms(t1, t2),
        inference_ms: ms(t2, t3),
        total_ms: ms(t0, performance.now()),
        device: 'cpu',
        worker: workerId,
      };
      return {
        ok: true,
        detections: JSON.stringify(detections),
        metadata: JSON.stringify(metadata ? { ...metadata, ...timings } : timings),
      };
    } catch (err) {
      if (isRuntimeError(err)) return { ok: false, code: err.code, message: err.message };
      const message = err instanceof Error ? err.message : String(err);
      if (stage === 'infer') return { ok: false, code: 'INFERENCE_FAILED', message: `handler threw: ${message}` };
      if (stage === 'read') return { ok: false, code: 'FRAME_UNREADABLE', message: `frame ${request.frame_reference}: ${message}` };
      return { ok: false, code: 'INTERNAL_ERROR', message: `${stage}: ${message}` };
    }
  };
}

export default init();
