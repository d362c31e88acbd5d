/**
 * The int8 MoveNet (the build's `onnx-quantize-int8` of the float ONNX, with
 * the committed calibration) against the float model, on the real weights
 * and the golden photos at every input size the pipeline runs: the same
 * people found, scores and visible keypoints close (tolerances below, with
 * the measured worst cases), and ONNX Runtime really running the integer
 * kernels (its optimized graph holds QLinearConv, no float Conv left but
 * the kept heads').
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { fetchWeights, loadModelConfig, requireFromModel, type ModelConfig, type OrtModule } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import type OnnxProto from 'onnx-proto';
import { loadMoveNet, type MoveNet } from '../src/movenet.js';
import { maxMove, poseAgreement } from './support/pose-agreement.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = fileURLToPath(new URL('./images/', import.meta.url));
const photos = readdirSync(IMAGES).filter((f) => f.endsWith('.jpg')).sort();
const SIZES: [number, number][] = [[256, 256], [256, 192], [128, 128]];
const FLOAT = 'weights/movenet-multipose.onnx';
const INT8 = 'weights/movenet-multipose-int8.onnx';
/**
 * Tolerances, with what was measured over these 16 photos x 3 sizes (99.999 percentile
 * calibration, the committed one):
 * - person scores within 0.12 (worst 0.084);
 * - keypoints the float model scores >= 0.4 (MoveNet's clear ones) within 16 px, four
 *   cells of its 4-px output grid (worst 12.3 px; median 1.2-1.6 px);
 * - keypoints scored >= 0.25: 95 in 100 within 10 px (p95 6.0-7.7 px). A weaker one can
 *   jump to another peak of its heatmap (worst 25 px), so no bound on every one.
 */
const MAX_SCORE_DIFF = 0.12;
const CLEAR = 0.4;
const MAX_CLEAR_PX = 16;
const VISIBLE = 0.25;
const P95_VISIBLE_PX = 10;

function withWeight(config: ModelConfig, weight: string): ModelConfig {
  const onnx = config.onnx!;
  return { ...config, onnx: { ...onnx, sessions: { movenet: { ...onnx.sessions!.movenet!, weight } } } };
}

describe('int8 MoveNet agrees with the float model', { timeout: 300_000 }, () => {
  let config: ModelConfig;
  let f32: MoveNet;
  let i8: MoveNet;

  beforeAll(async () => {
    await fetchWeights(MODEL_DIR); // quantizes when the .onnx is not there yet (sha256-checked)
    config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
    f32 = await loadMoveNet({ modelDir: MODEL_DIR, config: withWeight(config, FLOAT), workers: 2 });
    i8 = await loadMoveNet({ modelDir: MODEL_DIR, config: withWeight(config, INT8), workers: 2 });
  });

  afterAll(async () => {
    await f32?.engine.release();
    await i8?.engine.release();
  });

  for (const [w, h] of SIZES) {
    it(`at ${w}x${h}: every golden photo, the same people, scores within ${MAX_SCORE_DIFF}, clear keypoints within ${MAX_CLEAR_PX} px`, async () => {
      const visible: number[] = [];
      for (const photo of photos) {
        const image = Int32Array.from(resizeRgb(decodeImage(readFileSync(IMAGES + photo)), w, h).data);
        const ref = await f32.run(image, w, h);
        const got = await i8.run(image, w, h);
        expect(got).not.toEqual(ref); // two different models really ran
        const a = poseAgreement(ref, got, w, h, config.confidence_threshold);
        expect({ missed: a.missed, extra: a.extra }, photo).toEqual({ missed: 0, extra: 0 });
        expect(a.maxScoreDiff, photo).toBeLessThanOrEqual(MAX_SCORE_DIFF);
        expect(maxMove(a, CLEAR), photo).toBeLessThanOrEqual(MAX_CLEAR_PX);
        visible.push(...a.moves.filter((m) => m.score >= VISIBLE).map((m) => m.px));
      }
      visible.sort((x, y) => x - y);
      expect(visible.length).toBeGreaterThan(50);
      expect(visible[Math.floor(0.95 * visible.length)]).toBeLessThanOrEqual(P95_VISIBLE_PX);
    });
  }

  it('ONNX Runtime fuses the QDQ pairs into integer convolutions (only the kept heads stay float)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'movenet-int8-'));
    try {
      const ort = requireFromModel<OrtModule>(MODEL_DIR, 'onnxruntime-node');
      const optimized = path.join(dir, 'optimized.onnx');
      const session = await ort.InferenceSession.create(path.join(MODEL_DIR, INT8), { graphOptimizationLevel: 'all', optimizedModelFilePath: optimized });
      await session.release();
      const proto = requireFromModel<typeof OnnxProto>(MODEL_DIR, 'onnx-proto');
      const ops = proto.onnx.ModelProto.decode(readFileSync(optimized)).graph!.node!.map((n) => n.opType!);
      const count = (op: string) => ops.filter((o) => o === op).length;
      const source = config.weights.find((w) => w.path === INT8)!.source as { keep_float?: string[] };
      expect(count('QLinearConv')).toBeGreaterThan(60);
      expect(count('Conv') + count('FusedConv')).toBe(source.keep_float?.length ?? 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
