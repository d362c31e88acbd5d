/**
 * text-reading: PP-OCRv4 on ONNX Runtime. One detection per text line read:
 *   class `text` (0), confidence = the recognition score, bbox (xyxy) and
 *   polygon (4 corners) normalised to the frame, and `text`.
 * metadata: the number of lines and the time of each stage.
 */
import { readFileSync } from 'node:fs';
import { createOnnxSessions, defaultConfig, defineModel, type Detection, type FrameGeometry, type OnnxSessions } from '@ruth-ai/model-runtime';
import { loadDictionary } from './ctc.js';
import type { TextLine } from './lines.js';
import { readSettings } from './settings.js';
import { classify, detect, recognise, type Ocr } from './stages.js';
import { joinWords } from './words.js';

interface State {
  ocr: Ocr;
  engine: OnnxSessions;
}

const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;

function toDetection(line: TextLine, text: string, score: number, g: FrameGeometry): Detection {
  const polygon = line.quad.map(([x, y]) => [round(Math.min(1, Math.max(0, x / g.frameWidth))), round(Math.min(1, Math.max(0, y / g.frameHeight)))]);
  const xs = polygon.map((p) => p[0]!);
  const ys = polygon.map((p) => p[1]!);
  return {
    class_id: 0,
    class_name: 'text',
    confidence: round(score),
    bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    track_id: null,
    polygon,
    text,
  };
}

export default defineModel<State>({
  async load(ctx) {
    // model.yaml's own defaults must be valid: fail at start, not on every request.
    readSettings(defaultConfig(ctx.config));
    const keys = ctx.weights.find((w) => w.endsWith('.txt'));
    if (!keys) throw new Error(`model.yaml weights must list the dictionary (ppocr_keys_v1.txt); got ${ctx.weights.join(', ')}`);
    const engine = await createOnnxSessions(ctx.modelDir, ctx.config.onnx, ctx.workers);
    const { det, cls, rec } = engine.sessions;
    if (!det || !cls || !rec) {
      await engine.release();
      throw new Error(`model.yaml onnx.sessions must name det, cls and rec; got ${Object.keys(engine.sessions).join(', ')}`);
    }
    ctx.log('onnx sessions', { threads: engine.options.intraOpNumThreads, workers: ctx.workers });
    return { engine, ocr: { ort: engine.ort, det, cls, rec, dictionary: loadDictionary(readFileSync(keys, 'utf8')) } };
  },

  async warmup(state, input) {
    // Runs each session once so the first real request does not pay for set-up.
    const { ocr } = state;
    await ocr.det.run({ [ocr.det.inputs[0]!]: new ocr.ort.Tensor('float32', input.data as Float32Array, input.shape) });
    await ocr.cls.run({ [ocr.cls.inputs[0]!]: new ocr.ort.Tensor('float32', new Float32Array(3 * 48 * 192), [1, 3, 48, 192]) });
    await ocr.rec.run({ [ocr.rec.inputs[0]!]: new ocr.ort.Tensor('float32', new Float32Array(3 * 48 * 320), [1, 3, 48, 320]) });
  },

  async infer(state, { input, config, frame }) {
    const s = readSettings(config);
    if (!(input.data instanceof Float32Array) || input.layout !== 'nchw') {
      throw new Error(`expected a float32 nchw input, got ${input.dtype} ${input.layout}: check model.yaml input`);
    }
    const detected = await detect(state.ocr, input, s);
    const t0 = performance.now();
    const lines = s.angleCheck ? await classify(state.ocr, frame, detected.lines) : detected.lines;
    const t1 = performance.now();
    const read = await recognise(state.ocr, frame, lines, s.recBatchSize, s.recMinWidth);
    const t2 = performance.now();
    const kept = lines.map((line, i) => ({ line, ...read[i]! })).filter(({ text, score }) => text.trim() !== '' && score >= s.minScore);
    const detections: Detection[] = joinWords(kept).map(({ line, text, score }) => toDetection(line, text, score, input.geometry));
    return {
      detections,
      metadata: {
        lines: detections.length,
        boxes: lines.length,
        det_ms: round(detected.detMs, 2),
        det_post_ms: round(detected.postMs, 2),
        cls_ms: round(t1 - t0, 2),
        rec_ms: round(t2 - t1, 2),
      },
    };
  },

  async dispose(state) {
    await state.engine.release();
  },
});
