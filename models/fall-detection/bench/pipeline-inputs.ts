/**
 * The images the pipeline really feeds MoveNet for a set of photos: each
 * photo goes through the runtime's NV12 frame and preprocessing and the
 * handler's own infer (model.yaml defaults, MoveNet on `weight`), with the MoveNet call wrapped
 * to keep a copy of every input it gets: the upright window, the turned
 * views, the zoomed crops. For calibration (calibrate.ts): what is measured
 * there is what the model will see.
 */
import { defaultConfig, frameLayout, loadModelConfig, preprocess, type Frame } from '@ruth-ai/model-runtime';
import { frameFromImage } from '@ruth-ai/model-runtime/testing';
import handler from '../src/handler.js';

export interface PoseInput {
  /** RGB levels 0..255, H x W x 3. */
  image: Uint8Array;
  width: number;
  height: number;
}

export async function pipelineInputs(modelDir: string, weight: string, photos: string[]): Promise<PoseInput[]> {
  const yaml = loadModelConfig(`${modelDir}/model.yaml`);
  const onnx = yaml.onnx!;
  const config = { ...yaml, onnx: { ...onnx, sessions: { movenet: { ...onnx.sessions!.movenet!, weight } } } };
  const state = await handler.load({ config, modelDir, weights: [], workerId: 0, workers: 2, log: () => {} });
  const seen: PoseInput[] = [];
  const run = state.net.run.bind(state.net);
  state.net.run = (image, width, height) => {
    seen.push({ image: Uint8Array.from(image), width, height });
    return run(image, width, height);
  };
  try {
    for (const [i, photo] of photos.entries()) {
      const encoded = frameFromImage(photo, 'NV12');
      const frame: Frame = { layout: frameLayout('NV12', encoded.width, encoded.height), data: encoded.bytes };
      const input = preprocess(frame, config.input);
      const request = { camera_id: `calibration-${i}`, model_id: config.model_id, timestamp: 0, frame_reference: photo } as never;
      await handler.infer(state, { request, input, config: defaultConfig(config), frame });
    }
  } finally {
    await handler.dispose?.(state);
  }
  return seen;
}
