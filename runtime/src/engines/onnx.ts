/**
 * ONNX models through onnxruntime-node on the CPU, resolved from the model
 * folder.
 *
 * Threads: the worker pool already runs one session (set) per worker, so by
 * default each session gets the cores divided by the workers (at least one):
 * 2 workers on 2 cores run 1 thread each, 1 worker on 8 cores runs 8. More
 * would oversubscribe the cores and make every request slower.
 *
 * A model may load several sessions (a detector and a recogniser, say), each
 * named in model.yaml's `onnx.sessions` with the input and output names the
 * handler relies on; a weight whose names differ fails at load, not on the
 * first request.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { OnnxConfig, OnnxSessionSpec } from '../config/model-config.js';
import { requireFromModel } from './resolve-from-model.js';

export type OrtModule = typeof Ort;

export interface OnnxSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface OnnxEngine {
  ort: OrtModule;
  session: Ort.InferenceSession;
}

/**
 * Loads onnxruntime-node's native addon in the calling (main) thread and keeps
 * it. Otherwise, when the last worker that loaded it exits (a worker retired
 * after a deadline, or crashed), the addon is unloaded and every replacement
 * fails with "Module did not self-register". Best effort: a missing package
 * is reported by the worker's load.
 */
export function pinOnnxRuntime(modelDir: string): void {
  try {
    requireFromModel<OrtModule>(modelDir, 'onnxruntime-node');
  } catch {
    // The worker's load gives the clear error.
  }
}

/** Intra-op threads per session so that `workers` sessions together use the cores once. */
export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

export async function createOnnxSession(modelDir: string, onnxPath: string, options: OnnxSessionOptions = {}): Promise<OnnxEngine> {
  const ort = requireFromModel<OrtModule>(modelDir, 'onnxruntime-node');
  const session = await ort.InferenceSession.create(resolve(modelDir, onnxPath), {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    interOpNumThreads: options.interOpNumThreads ?? 1,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
  });
  return { ort, session };
}

/** One session of a multi-session model, with the names model.yaml declared. */
export interface NamedSession {
  name: string;
  session: Ort.InferenceSession;
  /** The declared input names (all of the model's when model.yaml lists none). */
  inputs: readonly string[];
  outputs: readonly string[];
  /** Runs with named feeds; returns the declared outputs by name. */
  run(feeds: Record<string, Ort.Tensor>): Promise<Record<string, Ort.Tensor>>;
}

export interface OnnxSessions {
  ort: OrtModule;
  sessions: Record<string, NamedSession>;
  /** The options every session was created with (threads resolved). */
  options: Required<OnnxSessionOptions>;
  release(): Promise<void>;
}

/** The session options of model.yaml's `onnx` block, `auto` threads resolved for `workers` workers. */
export function sessionOptions(config: OnnxConfig | undefined, workers: number): Required<OnnxSessionOptions> {
  const intra = config?.intra_op_threads ?? 'auto';
  return {
    intraOpNumThreads: intra === 'auto' ? threadsPerWorker(workers) : intra,
    interOpNumThreads: config?.inter_op_threads ?? 1,
    graphOptimizationLevel: config?.graph_optimization ?? 'all',
  };
}

function checkNames(name: string, kind: 'input' | 'output', declared: readonly string[] | undefined, actual: readonly string[]): readonly string[] {
  if (!declared) return actual;
  const missing = declared.filter((n) => !actual.includes(n));
  if (missing.length > 0) {
    throw new Error(`onnx session ${name}: model.yaml declares ${kind}s ${JSON.stringify(missing)} that the model does not have (it has ${JSON.stringify(actual)})`);
  }
  return declared;
}

function named(name: string, session: Ort.InferenceSession, spec: OnnxSessionSpec): NamedSession {
  const inputs = checkNames(name, 'input', spec.inputs, session.inputNames);
  const outputs = checkNames(name, 'output', spec.outputs, session.outputNames);
  return {
    name,
    session,
    inputs,
    outputs,
    async run(feeds) {
      const missing = inputs.filter((n) => !(n in feeds));
      if (missing.length > 0) throw new Error(`onnx session ${name}: feeds lack inputs ${JSON.stringify(missing)}`);
      const out = await session.run(feeds, [...outputs]);
      return Object.fromEntries(outputs.map((n) => [n, out[n]!]));
    },
  };
}

/**
 * Every session of model.yaml's `onnx.sessions`, created with its `onnx`
 * options; `workers` is the worker count (LoadContext.workers).
 */
export async function createOnnxSessions(modelDir: string, config: OnnxConfig | undefined, workers: number): Promise<OnnxSessions> {
  const specs = Object.entries(config?.sessions ?? {});
  if (specs.length === 0) throw new Error('model.yaml onnx.sessions names no session: list each ONNX weight the handler runs');
  const options = sessionOptions(config, workers);
  const sessions: Record<string, NamedSession> = {};
  let ort: OrtModule | undefined;
  try {
    for (const [name, spec] of specs) {
      const engine = await createOnnxSession(modelDir, spec.weight, options);
      ort = engine.ort;
      try {
        sessions[name] = named(name, engine.session, spec);
      } catch (err) {
        await engine.session.release();
        throw err;
      }
    }
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s.session.release()));
    throw err;
  }
  return {
    ort: ort!,
    sessions,
    options,
    async release() {
      await Promise.all(Object.values(sessions).map((s) => s.session.release()));
    },
  };
}
