/**
 * One frame → people: MoveNet on the upright input, then, only when needed,
 * on the input turned a quarter each way, with the poses mapped back and
 * duplicates merged.
 *
 * Rotation policy ("auto"): the turned passes cost one inference each, so
 * they run only when the upright pass leaves doubt. A lying person usually
 * still shows in the upright pass, as a weak or horizontal skeleton; so the
 * turns run when some candidate at or above `probeScore` (below the
 * reporting threshold) is not a clear upright person: it looks horizontal,
 * or is only partly seen; or some slot's box, whatever its score, is wider
 * than tall (see lyingHint: MoveNet often leaves such a box on a lying person
 * it cannot read). Empty frames and frames of clearly upright people cost
 * one pass.
 */
import { boxIou } from '@ruth-ai/model-runtime';
import { measureBody, type BodyGeometry } from './body-geometry.js';
import { assessFall, looksHorizontal, type FallAssessment } from './fall-decision.js';
import { decodePoses, type Pose } from './keypoints.js';
import { offsetPose, rotateImage, unturnPose, type Turn } from './rotate.js';
import { extractWindow, type Window } from './window.js';

export type RotationPolicy = 'auto' | 'always' | 'never';

/** Runs MoveNet on one W×H×3 int32 image and returns its raw [1, 6, 56] output. */
export type RunPose = (image: Int32Array, width: number, height: number) => Promise<Float32Array>;

export interface Person {
  pose: Pose;
  body: BodyGeometry;
  fall: FallAssessment;
  pass: 'upright' | Turn;
}

export interface DetectOptions {
  /** Person score floor for a pose to be reported. */
  minScore: number;
  /** Weaker candidates down to this score can trigger the turned passes. */
  probeScore: number;
  rotation: RotationPolicy;
  /** Two poses overlapping more than this (keypoint-box IoU) are one person. */
  mergeIou: number;
}

export interface DetectResult {
  people: Person[];
  passes: number;
}

/**
 * `input` is the S-wide uint8 RGB model input; only `win` of it (the frame's
 * content, see window.ts) is run. Poses come back in whole-input pixels.
 */
export async function detectPeople(input: Uint8Array, stride: number, win: Window, run: RunPose, opts: DetectOptions): Promise<DetectResult> {
  const image = extractWindow(input, stride, win, new Int32Array(win.w * win.h * 3));
  const back = (p: Pose): Pose => offsetPose(p, win.x, win.y);
  const raw = decodePoses(await run(image, win.w, win.h), win.w, win.h).map(back);
  const candidates = toPeople(raw, 'upright', Math.min(opts.probeScore, opts.minScore));
  const upright = candidates.filter((p) => p.pose.score >= opts.minScore);
  let passes = 1;
  let all = upright;
  if (needsTurn(candidates, opts) || (opts.rotation === 'auto' && raw.some(lyingHint))) {
    const turned = new Int32Array(image.length);
    for (const turn of ['cw', 'ccw'] as const) {
      rotateImage(image, win.w, win.h, turn, turned);
      // The turned image is h wide and w high.
      const poses = decodePoses(await run(turned, win.h, win.w), win.h, win.w).map((p) => back(unturnPose(p, win.w, win.h, turn)));
      all = all.concat(toPeople(poses, turn, opts.minScore));
      passes++;
    }
  }
  return { people: mergePeople(all, opts.mergeIou), passes };
}

function toPeople(poses: Pose[], pass: Person['pass'], minScore: number): Person[] {
  return poses
    .filter((pose) => pose.score >= minScore)
    .map((pose) => {
      const body = measureBody(pose);
      return { pose, body, fall: assessFall(body), pass };
    })
    .filter((p) => p.body.box !== null);
}

/**
 * MoveNet's box for a slot is wider than tall. Upright people (and the weak
 * junk slots MoveNet fills its six with) have tall or small boxes; a person
 * lying down usually leaves a wide box in some slot even when the score is
 * near zero and no keypoint is visible. Any score counts: the box is the hint.
 */
export function lyingHint(p: Pose): boolean {
  const w = p.box[2] - p.box[0];
  const h = p.box[3] - p.box[1];
  return w >= WIDE_ASPECT * h && w >= WIDE_MIN_PX;
}
const WIDE_ASPECT = 1.4;
/** In 256-input pixels: about 5% of the frame width. */
const WIDE_MIN_PX = 12;

function needsTurn(candidates: Person[], opts: DetectOptions): boolean {
  if (opts.rotation !== 'auto') return opts.rotation === 'always';
  // An incomplete skeleton counts as upright only when it is a reportable
  // person whose head sits above level shoulders (a portrait, hips out of view).
  const clearlyUpright = candidates.filter((p) => (p.fall.uncertain ? p.body.headUp && p.pose.score >= opts.minScore : !looksHorizontal(p.body)));
  return candidates.some((c) => {
    if (clearlyUpright.includes(c)) return false;
    // A weak echo of a clearly upright person (MoveNet often returns one) is no doubt.
    return !clearlyUpright.some((u) => overlap(personBox(c), personBox(u)) > 0.5);
  });
}

/** Intersection over the smaller box: catches a part-skeleton inside a whole one. */
function overlap(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const smaller = Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
  return smaller > 0 ? (ix * iy) / smaller : 0;
}

/**
 * Greedy NMS across passes: best first, drop any later one that overlaps it.
 * "Best" is the model's person score weighted by how much of the body is
 * seen, so a full skeleton from a turned pass beats a broken upright read.
 */
function mergePeople(people: Person[], iouLimit: number): Person[] {
  const quality = (p: Person): number => p.pose.score * (0.5 + p.body.visible / 34);
  const sorted = [...people].sort((a, b) => quality(b) - quality(a));
  const kept: Person[] = [];
  for (const p of sorted) {
    if (kept.every((q) => boxIou(personBox(p), personBox(q)) <= iouLimit)) kept.push(p);
  }
  return kept;
}

/** The box used for a person: the model's box joined with the visible keypoints'. */
export function personBox(p: Person): [number, number, number, number] {
  const m = p.pose.box;
  const k = p.body.box;
  if (!k) return m;
  return [Math.min(m[0], k[0]), Math.min(m[1], k[1]), Math.max(m[2], k[2]), Math.max(m[3], k[3])];
}
