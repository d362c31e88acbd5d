/**
 * One MoveNet MultiPose pass, engine A against engine B, in one process on
 * one thread each, on a real photo. Pairs are interleaved (A, then B, on the
 * same frame) so both see the same machine load; the median per-pair ratio
 * is the figure to compare. Also checks that the two answers agree: max abs
 * difference of the [1, 6, 56] output, and how far the people B reports
 * moved from A's (test/support/pose-agreement.ts). Not a test: run by hand.
 *
 * Engines: `tfjs` (TF.js wasm, the pinned model as published), `fp32` (ONNX
 * Runtime on the build's float conversion, weights/movenet-multipose.onnx),
 * `int8` (ONNX Runtime on its int8 quantization, movenet-multipose-int8.onnx);
 * both ONNX ones decode with src/movenet-decode.ts.
 *
 *   npx tsx models/fall-detection/bench/movenet-engines.ts [pairs=40] [photo=two-people-indoor] [A=fp32] [B=int8]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fetchWeights, loadModelConfig, loadTfjsGraphModel } from '@ruth-ai/model-runtime';
import { percentile } from '@ruth-ai/model-runtime/testing';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { loadMoveNet } from '../src/movenet.js';
import { maxMove, poseAgreement } from '../test/support/pose-agreement.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const PAIRS = Number(process.argv[2] ?? 40);
const PHOTO = process.argv[3] ?? 'two-people-indoor';
const [A, B] = [process.argv[4] ?? 'fp32', process.argv[5] ?? 'int8'];
const SIZES: [number, number][] = [[256, 192], [256, 256], [128, 128]];
const ONNX_WEIGHTS: Record<string, string> = { fp32: 'weights/movenet-multipose.onnx', int8: 'weights/movenet-multipose-int8.onnx' };

type Run = (image: Int32Array, w: number, h: number) => Promise<Float32Array>;

await fetchWeights(MODEL_DIR);
const config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
const released: (() => unknown)[] = [];

async function engine(name: string): Promise<Run> {
  if (name === 'tfjs') {
    const tfjs = await loadTfjsGraphModel(MODEL_DIR, 'weights/movenet-multipose.json');
    released.push(() => tfjs.dispose());
    return async (image, w, h) => (await tfjs.predict({ data: image, shape: [1, h, w, 3], dtype: 'int32' }))[0]!.data as Float32Array;
  }
  const weight = ONNX_WEIGHTS[name];
  if (!weight) throw new Error(`engine ${name}: one of tfjs, ${Object.keys(ONNX_WEIGHTS).join(', ')}`);
  // One ORT thread, as each of the served model's 2 workers on 2 cores.
  const onnx = { ...config.onnx!, intra_op_threads: 1, sessions: { movenet: { ...config.onnx!.sessions!.movenet!, weight } } };
  const net = await loadMoveNet({ modelDir: MODEL_DIR, config: { ...config, onnx } as typeof config, workers: 2 });
  released.push(() => net.engine.release());
  return (image, w, h) => net.run(image, w, h);
}

const runA = await engine(A);
const runB = await engine(B);
const photo = decodeImage(readFileSync(`${MODEL_DIR}/test/images/${PHOTO}.jpg`));

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

console.log(`| input | ${A} p50 (min) | ${B} p50 (min) | median per-pair ratio ${A}/${B} | max abs diff [1,6,56] | people missed / extra, max move of a keypoint scored >= 0.4 (px) |`);
console.log(`|---|---|---|---|---|---|`);
for (const [w, h] of SIZES) {
  const image = Int32Array.from(resizeRgb(photo, w, h).data);
  for (let i = 0; i < 3; i++) await Promise.all([runA(image, w, h), runB(image, w, h)]); // warm-up: kernels, allocations
  const a: number[] = [];
  const b: number[] = [];
  const ratio: number[] = [];
  let diff = 0;
  for (let i = 0; i < PAIRS; i++) {
    const [ta, ref] = await timed(() => runA(image, w, h));
    const [tb, got] = await timed(() => runB(image, w, h));
    a.push(ta);
    b.push(tb);
    ratio.push(ta / tb);
    for (let k = 0; k < ref.length; k++) diff = Math.max(diff, Math.abs(ref[k]! - got[k]!));
  }
  const agree = poseAgreement(await runA(image, w, h), await runB(image, w, h), w, h, config.confidence_threshold);
  const median = (v: number[]) => percentile([...v].sort((x, y) => x - y), 50);
  const ms = (v: number[]) => `${median(v).toFixed(1)} ms (${Math.min(...v).toFixed(1)})`;
  console.log(`| ${w}x${h} | ${ms(a)} | ${ms(b)} | **${median(ratio).toFixed(2)}x** | ${diff.toExponential(1)} | ${agree.missed} / ${agree.extra}, ${maxMove(agree, 0.4).toFixed(1)} |`);
}
for (const release of released) await release();
