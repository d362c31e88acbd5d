/**
 * Why a walker is missed: runs the walking cases of the evaluation set
 * (eval-walking.ts) in process, with the model.yaml defaults, and prints per
 * labelled person the best answer (IoU, pass), the moving places that cover
 * them, the square each was read on (its side in frame pixels, so the
 * person's height in the 128 crop) and the best read there. Not a test, not
 * the evaluation: a tool for looking at the motion step.
 *
 *   EVAL_OUT=/tmp/fall-eval/set npx tsx models/fall-detection/bench/walking-diagnose.ts [case-substring]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boxIou, defaultConfig, fetchWeights, frameLayout, loadModelConfig, preprocess, releaseInput, type Frame } from '@ruth-ai/model-runtime';
import { frameFromImage } from '@ruth-ai/model-runtime/testing';
import { detectPeople } from '../src/detect-people.js';
import { frameBoxToInput, frameCropper } from '../src/frame-crop.js';
import { decodePoses } from '../src/keypoints.js';
import { MotionTracker } from '../src/motion.js';
import { loadMoveNet } from '../src/movenet.js';
import { movingSquare, readWindow, splitWide } from '../src/moving-people.js';
import { personBox, toPeople, type Person } from '../src/people.js';
import { readSettings } from '../src/settings.js';
import { modelWindow } from '../src/window.js';
import { unzoomPose, type Box } from '../src/zoom.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const OUT = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
const only = process.argv[2] ?? '';
const OVERRIDE = process.env.EVAL_CONFIG ? (JSON.parse(process.env.EVAL_CONFIG) as Record<string, unknown>) : {};

interface Case { split: string; image: string; history?: string[]; people: Box[] }

await fetchWeights(MODEL_DIR);
const config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
const net = await loadMoveNet({ modelDir: MODEL_DIR, config: { ...config, onnx: { ...config.onnx, intra_op_threads: 1 } } as typeof config, workers: 2 });
const settings = readSettings({ ...defaultConfig(config), ...OVERRIDE });
const size = config.input.width;
const cases = JSON.parse(readFileSync(path.join(OUT, 'cases.json'), 'utf8')) as Record<string, Case>;
const frameOf = (image: string): Frame => {
  const f = frameFromImage(image, 'NV12');
  return { layout: frameLayout('NV12', f.width, f.height), data: f.bytes };
};
const f1 = (v: number): string => v.toFixed(0);
let found = 0;
let labelled = 0;
let passes = 0;
let frames = 0;
for (const [name, c] of Object.entries(cases)) {
  if (c.split !== 'walking' || !name.includes(only)) continue;
  const tracker = new MotionTracker();
  for (const h of c.history ?? []) tracker.update(name, frameOf(h), settings.motion);
  const frame = frameOf(c.image);
  const moved = tracker.update(name, frame, settings.motion);
  const input = preprocess(frame, config.input);
  const g = input.geometry;
  const run = (image: Int32Array, w: number, h: number): Promise<Float32Array> => net.run(image, w, h);
  const crop = frameCropper(frame, g);
  const boxes = moved.map((b) => frameBoxToInput(b, g));
  const result = await detectPeople(input.data as Uint8Array, size, modelWindow(g), run, {
    minScore: settings.personThreshold, probeScore: settings.probeScore, rotation: settings.rotation, views: settings.views,
    slantedViewSide: settings.slantedViewSide, slantedMinScore: settings.slantedMinScore, mergeIou: settings.mergeIou,
    zoomRegions: settings.zoomRegions, zoomRegionsNobody: settings.zoomRegionsNobody, zoomContext: settings.zoomContext, zoomMaxSide: settings.zoomMaxSide, wideAspect: settings.wideAspect, rule: settings.rule,
    moving: settings.motionRegions > 0 && boxes.length > 0 ? { boxes, crop, scale: g.scaleX, size, maxRegions: settings.motionRegions, maxShrink: settings.motionMaxShrink } : undefined,
  });
  passes += result.passes;
  frames++;
  // Every piece of every moving place read, cap or not, to see what each could give.
  const pieces = boxes.flatMap((b, i) => splitWide(b).map((p) => ({ place: i, piece: p, sq: movingSquare(p, g.scaleX, size) })));
  const reads: Person[][] = [];
  for (const p of pieces) {
    const n = readWindow(p.sq, g.scaleX, size, settings.motionMaxShrink);
    const poses = decodePoses(await run(crop(p.sq, n), n, n), n, n).map((q) => unzoomPose(q, p.sq, n));
    reads.push(toPeople(poses, 'moving', 0.05, settings.rule));
  }
  const toIn = (b: Box): Box => [b[0] * g.frameWidth * g.scaleX + g.padX, b[1] * g.frameHeight * g.scaleY + g.padY, b[2] * g.frameWidth * g.scaleX + g.padX, b[3] * g.frameHeight * g.scaleY + g.padY];
  const px = (v: number): string => f1(v / g.scaleX);
  console.log(`\n${name}: ${result.passes} passes; ${boxes.length} moving places (frame px): ${moved.map((b) => `[${b.map(f1).join(',')}]`).join(' ')}`);
  pieces.forEach((p, i) => console.log(`  piece ${i} of place ${p.place}: [${p.piece.map(px).join(',')}] square side ${px(p.sq.side)} frame px read at ${readWindow(p.sq, g.scaleX, size, settings.motionMaxShrink)}${i < settings.motionRegions ? '' : ' (over the cap if reached)'}`));
  if (process.env.VERBOSE) {
    for (const p of result.people) console.log(`    answer ${p.pass} c${p.pose.score.toFixed(2)} [${personBox(p).map(px).join(',')}] model [${p.pose.box.map(px).join(',')}] kp ${p.body.visible}`);
    reads.forEach((r, i) => r.forEach((p) => console.log(`    read piece ${i} c${p.pose.score.toFixed(2)} [${personBox(p).map(px).join(',')}] kp ${p.body.visible}`)));
  }
  for (const label of c.people.map(toIn)) {
    labelled++;
    const best = result.people.map((p) => ({ p, iou: boxIou(personBox(p), label) })).sort((a, b) => b.iou - a.iou)[0];
    if (best && best.iou >= 0.5) found++;
    const cx = (label[0] + label[2]) / 2;
    const cy = (label[1] + label[3]) / 2;
    const inPiece = pieces.map((p, i) => ({ i, p })).filter(({ p }) => p.piece[0] <= cx && cx <= p.piece[2] && p.piece[1] <= cy && cy <= p.piece[3]);
    const readBest = inPiece.flatMap(({ i }) => reads[i]!.map((r) => ({ i, r, iou: boxIou(personBox(r), label), model: boxIou(r.pose.box, label) })))
      .sort((a, b) => b.iou - a.iou)[0];
    const h = label[3] - label[1];
    console.log(`  ${best && best.iou >= 0.5 ? 'found' : 'MISS '} [${label.map(px).join(',')}] h ${px(h)} px: best ${best ? `${best.p.pass} iou ${best.iou.toFixed(2)} c${best.p.pose.score.toFixed(2)}` : 'none'}; ` +
      `pieces ${inPiece.map(({ i, p }) => `${i}(h in crop ${f1((h / p.sq.side) * readWindow(p.sq, g.scaleX, size, settings.motionMaxShrink))})`).join(',') || 'none'}; ` +
      `best read there ${readBest ? `piece ${readBest.i} iou ${readBest.iou.toFixed(2)} (model box ${readBest.model.toFixed(2)}) c${readBest.r.pose.score.toFixed(2)}` : 'none'}`);
  }
  releaseInput(input);
}
console.log(`\nfound ${found}/${labelled}; ${(passes / frames).toFixed(2)} passes/frame`);
await net.engine.release();
