/**
 * TF.js graph models on the wasm backend, with nothing downloaded at run time:
 * the .wasm binaries come from the model folder's own @tensorflow/tfjs-backend-wasm
 * dist/ folder, and model.json plus its weight shards are read from disk.
 * One single-threaded backend per worker thread; workers give parallelism.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';
import { EngineLoadError } from '../errors/errors.js';
import { requireFromModel, resolveFromModel } from './resolve-from-model.js';

export type Tf = typeof TfCore;

export interface TfjsModel {
  tf: Tf;
  model: TfConverter.GraphModel;
  /** Runs the model on one input and returns each output's data and shape, tensors disposed. */
  predict(input: { data: TfCore.TypedArray; shape: number[]; dtype: 'float32' | 'int32' }): Promise<{ data: TfCore.TypedArray; shape: number[] }[]>;
  dispose(): void;
}

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: { [key: string]: {} };
  modelTopology: object;
  modelInitializer?: object;
  weightsManifest: { paths: string[]; weights: TfCore.io.WeightsManifestEntry[] }[];
}

const backends = new WeakMap<Tf, Promise<void>>();

/** Selects the wasm backend once per tfjs-core instance (i.e. once per worker). */
export function initWasmBackend(modelDir: string): Promise<Tf> {
  const tf = requireFromModel<Tf>(modelDir, '@tensorflow/tfjs-core');
  const wasm = requireFromModel<typeof TfWasm>(modelDir, '@tensorflow/tfjs-backend-wasm');
  let ready = backends.get(tf);
  if (ready === undefined) {
    ready = (async () => {
      const dist = dirname(resolveFromModel(modelDir, '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      // A file-system prefix: in Node the backend reads the .wasm with fs.
      wasm.setWasmPaths(`${dist}/`);
      // Threads would compete with the worker pool for the same cores.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (!(await tf.setBackend('wasm'))) throw new EngineLoadError(`the TF.js wasm backend failed to initialise from ${dist}`);
      await tf.ready();
    })();
    backends.set(tf, ready);
  }
  return ready.then(() => tf);
}

/** Reads model.json and its weight shards (paths relative to it) into ModelArtifacts. */
export function readGraphModelArtifacts(modelJsonPath: string): TfCore.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as ModelJson;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new EngineLoadError(`${modelJsonPath} is not a TF.js graph model (no modelTopology/weightsManifest)`);
  }
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dirname(modelJsonPath), p)));
  const total = shards.reduce((n, b) => n + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of shards) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
  };
}

export async function loadTfjsGraphModel(modelDir: string, modelJsonPath: string): Promise<TfjsModel> {
  const tf = await initWasmBackend(modelDir);
  const converter = requireFromModel<typeof TfConverter>(modelDir, '@tensorflow/tfjs-converter');
  const artifacts = readGraphModelArtifacts(resolve(modelDir, modelJsonPath));
  const model = await converter.loadGraphModel({ load: async () => artifacts });
  return {
    tf,
    model,
    async predict(input) {
      const x = tf.tensor(input.data, input.shape, input.dtype);
      try {
        const out = model.execute(x);
        const outs = Array.isArray(out) ? out : [out];
        try {
          return await Promise.all(outs.map(async (t) => ({ data: await t.data(), shape: t.shape.slice() })));
        } finally {
          for (const t of outs) t.dispose();
        }
      } finally {
        x.dispose();
      }
    },
    dispose() {
      model.dispose();
    },
  };
}
