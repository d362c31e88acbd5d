/**
 * MoveNet MultiPose on ONNX Runtime (native CPU kernels): the convolutional
 * backbone and heads are the pinned TF.js model converted to ONNX at build
 * time (model.yaml `weights`, sha256-pinned), and the decoding after the
 * heads runs in TypeScript (movenet-decode.ts). The same answers as the TF.js
 * model (max abs difference ~1e-5, checked in test/movenet-onnx.test.ts) in a
 * fraction of the time. Threads: model.yaml `onnx` (auto: cores / workers).
 * model.yaml's session may name the int8 build of the same model instead
 * (weights/movenet-multipose-int8.onnx; test/movenet-int8.test.ts): same
 * inputs and outputs, about 1.5x faster, scores within ~0.08.
 * Input int32 [1, H, W, 3], H and W multiples of 32; output [1, 6, 56].
 */
import { createOnnxSessions, type LoadContext, type OnnxSessions } from '@ruth-ai/model-runtime';
import { decodeMoveNet, STRIDE } from './movenet-decode.js';

/** model.yaml's onnx session, and the TF head nodes it outputs (in this order). */
const SESSION = 'movenet';
export const HEADS = {
  center: 'StatefulPartitionedCall/center_0/conv2d_4/BiasAdd',
  boxScale: 'StatefulPartitionedCall/box_scale_0/conv2d_5/BiasAdd',
  boxOffset: 'StatefulPartitionedCall/box_offset_0/conv2d_6/BiasAdd',
  heatmap: 'StatefulPartitionedCall/kpt_heatmap_0/conv2d_7/BiasAdd',
  regress: 'StatefulPartitionedCall/kpt_regress_0/conv2d_8/BiasAdd',
  offset: 'StatefulPartitionedCall/kpt_offset_0/conv2d_9/BiasAdd',
} as const;

export interface MoveNet {
  engine: OnnxSessions;
  run(image: Int32Array, width: number, height: number): Promise<Float32Array>;
}

export async function loadMoveNet(ctx: Pick<LoadContext, 'modelDir' | 'config' | 'workers'>): Promise<MoveNet> {
  const engine = await createOnnxSessions(ctx.modelDir, ctx.config.onnx, ctx.workers);
  const session = engine.sessions[SESSION];
  if (!session) {
    await engine.release();
    throw new Error(`model.yaml onnx.sessions must name a '${SESSION}' session`);
  }
  const { ort } = engine;
  return {
    engine,
    async run(image, width, height) {
      if (width % 32 !== 0 || height % 32 !== 0 || image.length !== width * height * 3) {
        throw new Error(`MoveNet MultiPose takes int32 [1, H, W, 3] with H and W multiples of 32; got ${image.length} values for ${width}x${height}`);
      }
      const out = await session.run({ [session.inputs[0]!]: new ort.Tensor('int32', image, [1, height, width, 3]) });
      const head = (name: string) => out[name]!.data as Float32Array;
      return decodeMoveNet({
        h: height / STRIDE,
        w: width / STRIDE,
        center: head(HEADS.center),
        boxScale: head(HEADS.boxScale),
        boxOffset: head(HEADS.boxOffset),
        heatmap: head(HEADS.heatmap),
        regress: head(HEADS.regress),
        offset: head(HEADS.offset),
      });
    },
  };
}
