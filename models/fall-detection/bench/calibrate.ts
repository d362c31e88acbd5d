/**
 * Calibrates the int8 MoveNet (model.yaml weight `movenet-multipose-int8.onnx`,
 * made by the runtime's `onnx-quantize-int8` converter): measures the range
 * of every activation of the float ONNX model on what the pipeline really
 * feeds it, and writes them to calibration/movenet-int8-ranges.json, which is
 * committed so the image build quantizes the same way every time.
 *
 * Data: the DEV split of the fall-detection eval set only (never held out),
 * each photo through the handler with the model.yaml defaults, every MoveNet
 * input kept (upright window, turned views, zoomed crops; pipeline-inputs.ts).
 * Every STRIDE-th of those inputs (in the pipeline's order; a run keeps every
 * activation, ~40 MB, so all of them would take long) is measured. Ranges:
 * the given percentile of each tensor's values at both ends (two passes:
 * min/max, then a 2048-bin histogram); 100 is plain min/max.
 *
 * Regenerate (after the float model or the pipeline's views change; the
 * JSON records the float model's sha256 and the converter refuses another):
 *
 *   npm run build:ts && npx tsx models/fall-detection/bench/calibrate.ts [percentile=99.999] [out]
 *
 * needs the eval set (models/fall-detection/bench/eval-set.ts; EVAL_OUT,
 * default /tmp/fall-eval/set), then update the int8 weight's sha256 in
 * model.yaml (`ruth-model fetch-weights models/fall-detection` prints it).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchWeights, loadModelConfig, requireFromModel, sha256File, type OrtModule } from '@ruth-ai/model-runtime';
import type OnnxProto from 'onnx-proto';
import { pipelineInputs } from './pipeline-inputs.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const FLOAT_WEIGHT = 'weights/movenet-multipose.onnx';
const FLOAT_MODEL = path.join(MODEL_DIR, FLOAT_WEIGHT);
const SET = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
const PERCENTILE = Number(process.argv[2] ?? 99.999);
const OUT = process.argv[3] ?? path.join(MODEL_DIR, 'calibration/movenet-int8-ranges.json');
const BINS = 2048;
const STRIDE = Number(process.env.CALIBRATE_STRIDE ?? 3);

/** The float model with every node output also a graph output, so one run shows every activation. */
function everyTensorModel(bytes: Uint8Array): { model: Uint8Array; tensors: string[] } {
  const proto = requireFromModel<typeof OnnxProto>(MODEL_DIR, 'onnx-proto');
  const m = proto.onnx.ModelProto.decode(bytes);
  const declared = new Set(m.graph!.output!.map((o) => o.name));
  const tensors = m.graph!.node!.flatMap((n) => n.output ?? []).filter((t) => !declared.has(t));
  m.graph!.output!.push(...tensors.map((name) => ({ name, type: { tensorType: { elemType: 1 } } })));
  return { model: proto.onnx.ModelProto.encode(m).finish(), tensors: [...declared, ...tensors] as string[] };
}

interface Stats { min: number; max: number; hist?: Float64Array }

async function main(): Promise<void> {
  // The int8 weight is made from this script's output: it may fail here (stale or missing ranges); the float one must not.
  await fetchWeights(MODEL_DIR).catch((err: Error) => process.stderr.write(`calibrate: fetch-weights: ${err.message}\n`));
  const floatWeight = loadModelConfig(path.join(MODEL_DIR, 'model.yaml')).weights.find((w) => w.path === FLOAT_WEIGHT)!;
  if ((await sha256File(path.join(MODEL_DIR, FLOAT_WEIGHT))) !== floatWeight.sha256) throw new Error(`${FLOAT_WEIGHT} is missing or not the pinned file`);
  const cases = JSON.parse(readFileSync(path.join(SET, 'cases.json'), 'utf8')) as Record<string, { split: string; image: string }>;
  const photos = Object.values(cases).filter((c) => c.split === 'dev').map((c) => c.image).sort();
  process.stderr.write(`calibrate: ${photos.length} dev photos through the pipeline\n`);
  const all = await pipelineInputs(MODEL_DIR, FLOAT_WEIGHT, photos);
  const inputs = all.filter((_, i) => i % STRIDE === 0);
  process.stderr.write(`calibrate: ${all.length} MoveNet inputs, measuring every ${STRIDE}th: ${inputs.length}\n`);

  const floatBytes = readFileSync(FLOAT_MODEL);
  const { model, tensors } = everyTensorModel(floatBytes);
  const ort = requireFromModel<OrtModule>(MODEL_DIR, 'onnxruntime-node');
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const stats = new Map<string, Stats>(tensors.map((t) => [t, { min: Infinity, max: -Infinity }]));
  const each = async (visit: (s: Stats, v: Float32Array) => void) => {
    for (const [i, x] of inputs.entries()) {
      if (i % 100 === 0) process.stderr.write(`calibrate: ${i}/${inputs.length}\n`);
      const feed = new ort.Tensor('int32', Int32Array.from(x.image), [1, x.height, x.width, 3]);
      const out = await session.run({ [session.inputNames[0]!]: feed }, tensors);
      for (const t of tensors) visit(stats.get(t)!, out[t]!.data as Float32Array);
    }
  };
  await each((s, v) => {
    for (let i = 0; i < v.length; i++) {
      if (v[i]! < s.min) s.min = v[i]!;
      if (v[i]! > s.max) s.max = v[i]!;
    }
  });
  // Comparing methods: the min/max ranges come free with the first pass.
  if (process.env.CALIBRATE_MINMAX_OUT) writeRanges(process.env.CALIBRATE_MINMAX_OUT, floatBytes, tensors, stats, 100, inputs.length, all.length, photos.length);
  if (PERCENTILE < 100) {
    await each((s, v) => {
      const hist = (s.hist ??= new Float64Array(BINS));
      const k = (BINS - 1) / (s.max - s.min || 1);
      for (let i = 0; i < v.length; i++) hist[Math.round((v[i]! - s.min) * k)]!++;
    });
  }
  await session.release();
  // Comparing methods: CALIBRATE_ALSO="99.999:/tmp/a.json,99.9:/tmp/b.json" writes other percentiles of the same histograms.
  for (const [p, file] of (process.env.CALIBRATE_ALSO ?? '').split(',').filter(Boolean).map((x) => x.split(':'))) {
    writeRanges(file!, floatBytes, tensors, stats, Number(p), inputs.length, all.length, photos.length);
  }
  writeRanges(OUT, floatBytes, tensors, stats, PERCENTILE, inputs.length, all.length, photos.length);
}

function writeRanges(file: string, floatBytes: Uint8Array, tensors: string[], stats: Map<string, Stats>, p: number, used: number, seen: number, photos: number): void {
  const method = `${p === 100 ? 'min/max' : `${p} percentile at both ends`} over ${used} of the ${seen} MoveNet inputs of ${photos} dev photos (models/fall-detection/bench/calibrate.ts)`;
  // One tensor a line: a recalibration reads as a short diff.
  const lines = [...tensors].sort().map((t) => `  ${JSON.stringify(t)}: ${JSON.stringify(rangeOf(stats.get(t)!, p))}`);
  const sha = createHash('sha256').update(floatBytes).digest('hex');
  writeFileSync(file, `{\n "model_sha256": "${sha}",\n "method": ${JSON.stringify(method)},\n "ranges": {\n${lines.join(',\n')}\n }\n}\n`);
  process.stderr.write(`calibrate: ${tensors.length} tensors -> ${file}\n`);
}

/** [low, high] holding `p` percent of the values at each end, 6 significant digits. */
function rangeOf(s: Stats, p: number): [number, number] {
  const round = (v: number) => Number(v.toPrecision(6));
  if (!s.hist || p === 100) return [round(s.min), round(s.max)];
  const total = s.hist.reduce((a, b) => a + b, 0);
  const step = (s.max - s.min) / (BINS - 1);
  const tail = total * (1 - p / 100);
  let lo = 0;
  for (let seen = 0; lo < BINS - 1 && seen + s.hist[lo]! <= tail; lo++) seen += s.hist[lo]!;
  let hi = BINS - 1;
  for (let seen = 0; hi > 0 && seen + s.hist[hi]! <= tail; hi--) seen += s.hist[hi]!;
  return [round(s.min + lo * step), round(s.min + hi * step)];
}

await main();
