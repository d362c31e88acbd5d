/**
 * MoveNet MultiPose through the runtime's TF.js adapter (wasm backend, one
 * thread per worker, the .wasm files and weights read from disk: nothing is
 * downloaded at run time). Input int32 [1, H, W, 3], H and W multiples of 32;
 * output [1, 6, 56].
 */
import { loadTfjsGraphModel, type TfjsModel } from '@ruth-ai/model-runtime';

export interface MoveNet {
  engine: TfjsModel;
  run(image: Int32Array, width: number, height: number): Promise<Float32Array>;
}

export async function loadMoveNet(modelDir: string, modelJsonPath: string): Promise<MoveNet> {
  const engine = await loadTfjsGraphModel(modelDir, modelJsonPath);
  return {
    engine,
    async run(image, width, height) {
      const [out] = await engine.predict({ data: image, shape: [1, height, width, 3], dtype: 'int32' });
      if (!out || out.shape.join('x') !== '1x6x56') throw new Error(`MoveNet MultiPose output should be [1, 6, 56], got [${out?.shape.join(', ')}]`);
      return out.data as Float32Array;
    },
  };
}
