/**
 * One MoveNet MultiPose pass, TF.js wasm (the pinned model as published)
 * against ONNX Runtime (the build's conversion plus src/movenet-decode.ts),
 * in one process on one thread each, on a real photo. Pairs are interleaved
 * (TF.js, then ORT, on the same frame) so both see the same machine load;
 * the median per-pair ratio is the figure to compare. Also checks that the
 * two answers agree. Not a test: run by hand.
 *
 *   npx tsx models/fall-detection/bench/movenet-engines.ts [pairs=40] [photo=two-people-indoor]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fetchWeights, loadModelConfig, loadTfjsGraphModel } from '@ruth-ai/model-runtime';
import { percentile } from '@ruth-ai/model-runtime/testing';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { loadMoveNet } from '../src/movenet.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const PAIRS = Number(process.argv[2] ?? 40);
const PHOTO = process.argv[3] ?? 'two-people-indoor';
const SIZES: [number, number][] = [[256, 192], [256, 256], [128, 128]];

await fetchWeights(MODEL_DIR);
const config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
// workers: 2 on 2 cores gives one ORT thread, as in the served model.
const onnx = await loadMoveNet({ modelDir: MODEL_DIR, config: { ...config, onnx: { ...config.onnx, intra_op_threads: 1 } } as typeof config, workers: 2 });
const tfjs = await loadTfjsGraphModel(MODEL_DIR, 'weights/movenet-multipose.json');
const photo = decodeImage(readFileSync(`${MODEL_DIR}/test/images/${PHOTO}.jpg`));

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

console.log(`| input | TF.js wasm p50 (min) | ONNX Runtime p50 (min) | median per-pair ratio | max abs diff [1,6,56] |`);
console.log(`|---|---|---|---|---|`);
for (const [w, h] of SIZES) {
  const image = Int32Array.from(resizeRgb(photo, w, h).data);
  const tfRun = async () => (await tfjs.predict({ data: image, shape: [1, h, w, 3], dtype: 'int32' }))[0]!.data as Float32Array;
  const ortRun = () => onnx.run(image, w, h);
  for (let i = 0; i < 3; i++) await Promise.all([tfRun(), ortRun()]); // warm-up: kernels, allocations
  const a: number[] = [];
  const b: number[] = [];
  const ratio: number[] = [];
  let diff = 0;
  for (let i = 0; i < PAIRS; i++) {
    const [ta, ref] = await timed(tfRun);
    const [tb, got] = await timed(ortRun);
    a.push(ta);
    b.push(tb);
    ratio.push(ta / tb);
    for (let k = 0; k < ref.length; k++) diff = Math.max(diff, Math.abs(ref[k]! - got[k]!));
  }
  const median = (v: number[]) => percentile([...v].sort((x, y) => x - y), 50);
  const ms = (v: number[]) => `${median(v).toFixed(1)} ms (${Math.min(...v).toFixed(1)})`;
  console.log(`| ${w}x${h} | ${ms(a)} | ${ms(b)} | **${median(ratio).toFixed(2)}x** | ${diff.toExponential(1)} |`);
}
await onnx.engine.release();
tfjs.dispose();
