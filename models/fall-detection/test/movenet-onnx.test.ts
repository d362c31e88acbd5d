/**
 * The ONNX MoveNet (the build's conversion of the pinned TF.js model, plus
 * src/movenet-decode.ts) against the TF.js model itself, on the real weights
 * and the golden photos: the converted backbone's heads, the TypeScript
 * decode, and the whole [1, 6, 56] must give the TF.js answers (same people
 * in the same slots, keypoints and scores within float rounding).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { fetchWeights, loadModelConfig, loadTfjsGraphModel, type TfjsModel } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { decodeMoveNet, STRIDE } from '../src/movenet-decode.js';
import { HEADS, loadMoveNet, type MoveNet } from '../src/movenet.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = fileURLToPath(new URL('./images/', import.meta.url));
const photos = readdirSync(IMAGES).filter((f) => f.endsWith('.jpg')).sort();
/** The sizes the pipeline runs: the square input, a frame's letterboxed aspect, a zoomed crop. */
const SIZES: [number, number][] = [[256, 256], [256, 192], [128, 128]];

function pixels(photo: string, w: number, h: number): Int32Array {
  return Int32Array.from(resizeRgb(decodeImage(readFileSync(IMAGES + photo)), w, h).data);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('MoveNet MultiPose on ONNX Runtime gives the TF.js answers', { timeout: 300_000 }, () => {
  let onnx: MoveNet;
  let tfjs: TfjsModel;

  beforeAll(async () => {
    await fetchWeights(MODEL_DIR); // converts the .onnx when it is not there yet (sha256-checked)
    const config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
    onnx = await loadMoveNet({ modelDir: MODEL_DIR, config, workers: 2 });
    tfjs = await loadTfjsGraphModel(MODEL_DIR, 'weights/movenet-multipose.json');
  });

  afterAll(async () => {
    await onnx?.engine.release();
    tfjs?.dispose();
  });

  it('runs one thread per worker with 2 workers on this model.yaml (threads x workers <= cores)', () => {
    expect(onnx.engine.options.intraOpNumThreads).toBeGreaterThanOrEqual(1);
    expect(onnx.engine.options.intraOpNumThreads * 2).toBeLessThanOrEqual(Math.max(2, availableParallelism()));
    expect(onnx.engine.options.interOpNumThreads).toBe(1);
  });

  for (const [w, h] of SIZES) {
    it(`whole pass at ${w}x${h}: every golden photo, same people in the same slots, values within 5e-5`, async () => {
      let worst = 0;
      for (const photo of photos) {
        const image = pixels(photo, w, h);
        const [ref] = await tfjs.predict({ data: image, shape: [1, h, w, 3], dtype: 'int32' });
        const got = await onnx.run(image, w, h);
        expect(ref!.shape).toEqual([1, 6, 56]);
        const diff = maxAbsDiff(got, ref!.data as Float32Array);
        worst = Math.max(worst, diff);
        expect(diff, photo).toBeLessThan(5e-5);
        // Person scores slot by slot: the same people, in the same order.
        for (let p = 0; p < 6; p++) expect(got[p * 56 + 55], `${photo} slot ${p}`).toBeCloseTo(ref!.data[p * 56 + 55]!, 4);
      }
      expect(worst).toBeGreaterThan(0); // two engines really ran
    });
  }

  it('the TypeScript decode equals the TF.js graph tail on the same heads (within 1e-6)', async () => {
    const [w, h] = [256, 192];
    const tf = tfjs.tf;
    for (const photo of photos.slice(0, 6)) {
      const image = pixels(photo, w, h);
      const x = tf.tensor(image, [1, h, w, 3], 'int32');
      const heads = tfjs.model.execute(x, Object.values(HEADS)) as ReturnType<typeof tf.tensor>[];
      const data = await Promise.all(heads.map((t) => t.data() as Promise<Float32Array>));
      // The TF.js graph from its heads on: fed with its own intermediate tensors.
      const feeds = Object.fromEntries(Object.values(HEADS).map((name, i) => [name, heads[i]!]));
      const tail = tfjs.model.execute(feeds, 'Identity') as ReturnType<typeof tf.tensor>;
      const ref = (await tail.data()) as Float32Array;
      tf.dispose([x, tail, ...heads]);
      const byName = Object.fromEntries(Object.keys(HEADS).map((k, i) => [k, data[i]!])) as Record<keyof typeof HEADS, Float32Array>;
      const got = decodeMoveNet({ h: h / STRIDE, w: w / STRIDE, ...byName });
      expect(maxAbsDiff(got, ref), photo).toBeLessThan(1e-6);
    }
  });

  it('refuses an input whose sides are not multiples of 32', async () => {
    await expect(onnx.run(new Int32Array(250 * 250 * 3), 250, 250)).rejects.toThrow(/multiples of 32/);
  });
});
