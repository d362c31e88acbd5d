/**
 * Template handler on ONNX Runtime: the PP-OCRv4 text detector's probability
 * map, thresholded; each connected region becomes one `text` box (grown
 * back by the margin the detector shrinks it by), scored by its mean
 * probability. Replace with your model's decoding.
 */
import { createOnnxSessions, defineModel, inputBoxToFrame, type Detection, type NamedSession, type OnnxSessions } from '@ruth-ai/model-runtime';

interface State {
  engine: OnnxSessions;
  det: NamedSession;
}

const PIXEL_THRESHOLD = 0.3;

/** Bounding boxes and mean probability of the 4-connected regions above the threshold. */
function regions(map: Float32Array, w: number, h: number): { box: [number, number, number, number]; score: number }[] {
  const seen = new Uint8Array(w * h);
  const out: { box: [number, number, number, number]; score: number }[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || map[start]! <= PIXEL_THRESHOLD) continue;
    const stack = [start];
    seen[start] = 1;
    let [x0, y0, x1, y1, sum, n] = [w, h, 0, 0, 0, 0];
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      sum += map[p]!;
      n++;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q >= 0 && !seen[q] && map[q]! > PIXEL_THRESHOLD) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    // The detector marks a shrunk core of each line: grow it by ~half its height.
    const pad = (y1 - y0 + 1) * 0.5;
    if (n >= 16) out.push({ box: [x0 - pad, y0 - pad, x1 + 1 + pad, y1 + 1 + pad], score: sum / n });
  }
  return out;
}

export default defineModel<State>({
  async load(ctx) {
    const engine = await createOnnxSessions(ctx.modelDir, ctx.config.onnx, ctx.workers);
    const det = engine.sessions.det;
    if (!det) throw new Error('model.yaml onnx.sessions must name a det session');
    return { engine, det };
  },

  async warmup({ engine, det }, input) {
    await det.run({ [det.inputs[0]!]: new engine.ort.Tensor('float32', input.data as Float32Array, input.shape) });
  },

  async infer({ engine, det }, { input, config }) {
    const [, , h, w] = input.shape as [number, number, number, number];
    const out = await det.run({ [det.inputs[0]!]: new engine.ort.Tensor('float32', input.data as Float32Array, input.shape) });
    const map = out[det.outputs[0]!]!.data as Float32Array;
    const detections: Detection[] = regions(map, w, h)
      .filter((r) => r.score >= config.confidence_threshold)
      .map((r) => ({ class_id: 0, class_name: 'text', confidence: Math.round(r.score * 1e4) / 1e4, bbox: inputBoxToFrame(input.geometry, r.box), track_id: null }));
    return { detections, metadata: { regions: detections.length } };
  },

  async dispose({ engine }) {
    await engine.release();
  },
});
