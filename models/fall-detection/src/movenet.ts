/**
 * Loads MoveNet MultiPose from its verified weight files and runs it on the
 * TF.js wasm backend, one inference thread per worker.
 *
 * TODO(FRAMES): switch to the runtime's loadTfjsGraphModel once
 * runtime/src/engines/tfjs.ts lands; this is the same few lines meanwhile.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export interface MoveNet {
  model: GraphModel;
  run(image: Int32Array, width: number, height: number): Promise<Float32Array>;
}

export async function loadMoveNet(jsonPath: string, binPath: string): Promise<MoveNet> {
  // The wasm binaries ship in the package; nothing is fetched at run time.
  const require = createRequire(import.meta.url);
  setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to initialise');
  await tf.ready();
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const bin = readFileSync(binPath);
  const model = await loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
  return {
    model,
    async run(image, width, height) {
      const input = tf.tensor(image, [1, height, width, 3], 'int32');
      try {
        const output = model.execute(input) as tf.Tensor;
        try {
          return (await output.data()) as Float32Array;
        } finally {
          output.dispose();
        }
      } finally {
        input.dispose();
      }
    },
  };
}
