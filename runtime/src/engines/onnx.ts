/**
 * ONNX models through onnxruntime-node on the CPU, resolved from the model
 * folder. One intra-op thread by default: the worker pool already runs one
 * session per core, and more threads per session would oversubscribe them.
 */
import { resolve } from 'node:path';
import type * as Ort from 'onnxruntime-node';
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
