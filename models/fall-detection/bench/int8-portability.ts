/**
 * Do the MoveNet answers depend on the CPU? Runs the float and the int8
 * MoveNet on the golden photos at the pipeline's input sizes twice: on this
 * CPU, and on an emulated one (qemu-x86_64-static -cpu <model>, user mode,
 * same node and onnxruntime-node binaries). QEMU's TCG has no AVX-512, so the
 * emulated process takes ONNX Runtime's AVX2 kernels; on a CPU with VNNI the
 * native one takes VNNI's. The int8 model's uint8 x int8 products run on AVX2
 * as vpmaddubsw, whose int16 pair sums saturate (ORT's quantization docs), so
 * the two can differ; the float model is the control.
 * Prints, per model and size, the int8 test's measures (test/support/
 * pose-agreement.ts) between native and emulated answers, and the emulated
 * int8 against the native float (what test/movenet-int8.test.ts checks):
 * people of the reference missed and extra ones (score >= model.yaml's
 * confidence_threshold), and for the matched ones the score and keypoint moves.
 * Not a test (test/cpu-portability.test.ts checks the shipped session on 3
 * photos): run by hand, 4-8 min on a loaded 2-core machine (TCG is ~30-60x slower).
 *
 *   npx tsx models/fall-detection/bench/int8-portability.ts [cpu=Haswell-noTSX]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchWeights, loadModelConfig } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { decodePoses } from '../src/keypoints.js';
import { readOutput, writeInput, writeOutputs, writeOutputsEmulated } from '../test/support/movenet-outputs.js';
import { maxMove, poseAgreement } from '../test/support/pose-agreement.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = fileURLToPath(new URL('../test/images/', import.meta.url));
const SIZES: [number, number][] = [[256, 256], [256, 192], [128, 128]];
const MODELS = { float: 'weights/movenet-multipose.onnx', int8: 'weights/movenet-multipose-int8.onnx' };
type ModelName = keyof typeof MODELS;
const photos = readdirSync(IMAGES).filter((f) => f.endsWith('.jpg')).sort();
const inputs = SIZES.flatMap(([w, h]) => photos.map((photo) => ({ photo, w, h, name: `${photo}-${w}x${h}` })));

const cpu = process.argv[2] ?? 'Haswell-noTSX';
const config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
await fetchWeights(MODEL_DIR);
const native = mkdtempSync(path.join(tmpdir(), 'int8-portability-'));
const emulated = mkdtempSync(path.join(tmpdir(), 'int8-portability-'));
try {
  for (const { photo, w, h, name } of inputs) {
    const image = Int32Array.from(resizeRgb(decodeImage(readFileSync(IMAGES + photo)), w, h).data);
    for (const dir of [native, emulated]) writeInput(dir, name, image);
  }
  const started = Date.now();
  for (const [tag, weight] of Object.entries(MODELS)) await writeOutputs(native, tag, weight);
  writeOutputsEmulated(cpu, emulated, MODELS);
  console.log(`${inputs.length} inputs x 2 models, native and under qemu -cpu ${cpu}: ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const compare = (label: string, refDir: string, ref: ModelName, gotDir: string, got: ModelName) => {
    for (const [w, h] of SIZES) {
      let people = 0, missed = 0, extra = 0, score = 0, clear = 0, identical = 0, maxAbs = 0;
      const visible: number[] = [];
      for (const { name } of inputs.filter((i) => i.w === w && i.h === h)) {
        const a = readOutput(refDir, ref, name);
        const b = readOutput(gotDir, got, name);
        identical += a.every((v, i) => v === b[i]) ? 1 : 0;
        a.forEach((v, i) => (maxAbs = Math.max(maxAbs, Math.abs(v - b[i]!))));
        const agree = poseAgreement(a, b, w, h, config.confidence_threshold);
        people += decodePoses(a, w, h).filter((p) => p.score >= config.confidence_threshold).length;
        missed += agree.missed;
        extra += agree.extra;
        score = Math.max(score, agree.maxScoreDiff);
        clear = Math.max(clear, maxMove(agree, 0.4));
        visible.push(...agree.moves.filter((m) => m.score >= 0.25).map((m) => m.px));
      }
      visible.sort((x, y) => x - y);
      const p95 = visible[Math.floor(0.95 * visible.length)] ?? 0;
      console.log(
        `${label.padEnd(34)} ${`${w}x${h}`.padEnd(8)} identical ${identical}/${photos.length}  missed/extra ${missed}/${extra} of ${people}  ` +
          `score diff max ${score.toFixed(3)}  clear kp max ${clear.toFixed(1)} px  visible p95 ${p95.toFixed(1)} px  output max abs ${maxAbs.toFixed(3)}`,
      );
    }
  };
  compare('float: native vs emulated', native, 'float', emulated, 'float');
  compare('int8: native vs emulated', native, 'int8', emulated, 'int8');
  compare('int8 native vs float native', native, 'float', native, 'int8');
  compare('int8 emulated vs float native', native, 'float', emulated, 'int8');
} finally {
  rmSync(native, { recursive: true, force: true });
  rmSync(emulated, { recursive: true, force: true });
}
