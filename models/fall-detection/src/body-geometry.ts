/**
 * Body measurements from one pose, in input pixels (the letterbox keeps one
 * scale on both axes, so angles and aspects are those of the original frame).
 * Each measurement is null when the keypoints it needs are not visible.
 */
import { KP, type Keypoint, type Pose } from './keypoints.js';

/** A keypoint counts as visible at or above this score. */
export const VISIBLE = 0.25;

export interface BodyGeometry {
  /** Degrees between the body's trunk (shoulders → hips) and straight down: 0 upright, 90 horizontal, 180 head-down. */
  torsoAngle: number | null;
  /** Degrees between hips → knees/ankles and straight down. */
  legAngle: number | null;
  /** Head height above the hips, in trunk lengths: about 1.3 upright, near 0 lying, negative head-down. */
  headAboveHips: number | null;
  /** Width / height of the box around the visible keypoints. */
  aspect: number | null;
  /** Head above the shoulders by at least half the shoulder width: an upright upper body even when hips are out of view. */
  headUp: boolean;
  /** Visible keypoints, 0..17. */
  visible: number;
  /** Mean score of the visible keypoints. */
  meanScore: number;
  /** Box around the visible keypoints, input pixels. */
  box: [number, number, number, number] | null;
}

function mid(a: Keypoint, b: Keypoint): Keypoint | null {
  const va = a.score >= VISIBLE;
  const vb = b.score >= VISIBLE;
  if (va && vb) return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, score: Math.min(a.score, b.score) };
  if (va) return a;
  if (vb) return b;
  return null;
}

function meanOf(points: Keypoint[]): Keypoint | null {
  const seen = points.filter((p) => p.score >= VISIBLE);
  if (seen.length === 0) return null;
  return {
    x: seen.reduce((s, p) => s + p.x, 0) / seen.length,
    y: seen.reduce((s, p) => s + p.y, 0) / seen.length,
    score: seen.reduce((s, p) => s + p.score, 0) / seen.length,
  };
}

/** Angle of the vector from → to against straight down (+y), 0..180 degrees. */
function angleFromDown(from: Keypoint, to: Keypoint): number {
  return (Math.atan2(Math.abs(to.x - from.x), to.y - from.y) * 180) / Math.PI;
}

export function measureBody(pose: Pose): BodyGeometry {
  const k = pose.keypoints;
  const shoulders = mid(k[KP.leftShoulder], k[KP.rightShoulder]);
  const hips = mid(k[KP.leftHip], k[KP.rightHip]);
  const head = meanOf([k[KP.nose], k[KP.leftEye], k[KP.rightEye], k[KP.leftEar], k[KP.rightEar]]);
  const feet = mid(k[KP.leftAnkle], k[KP.rightAnkle]) ?? mid(k[KP.leftKnee], k[KP.rightKnee]);

  // The trunk: shoulders → hips, else head → hips, else shoulders → feet.
  let trunk: [Keypoint, Keypoint] | null = null;
  if (shoulders && hips) trunk = [shoulders, hips];
  else if (head && hips) trunk = [head, hips];
  else if (shoulders && feet) trunk = [shoulders, feet];
  const torsoAngle = trunk && dist(trunk[0], trunk[1]) > 1 ? angleFromDown(trunk[0], trunk[1]) : null;

  const legAngle = hips && feet && dist(hips, feet) > 1 ? angleFromDown(hips, feet) : null;

  let headAboveHips: number | null = null;
  if (head && hips && shoulders) {
    const trunkLength = Math.max(dist(shoulders, hips), 1);
    headAboveHips = (hips.y - head.y) / trunkLength;
  }

  let headUp = false;
  const ls = k[KP.leftShoulder];
  const rs = k[KP.rightShoulder];
  if (head && ls.score >= VISIBLE && rs.score >= VISIBLE) {
    const width = Math.max(dist(ls, rs), 1);
    headUp = (ls.y + rs.y) / 2 - head.y >= 0.5 * width && Math.abs(ls.y - rs.y) < width;
  }

  const seen = k.filter((p) => p.score >= VISIBLE);
  let box: BodyGeometry['box'] = null;
  let aspect: number | null = null;
  if (seen.length >= 2) {
    box = [Math.min(...seen.map((p) => p.x)), Math.min(...seen.map((p) => p.y)), Math.max(...seen.map((p) => p.x)), Math.max(...seen.map((p) => p.y))];
    if (seen.length >= 5) aspect = (box[2] - box[0]) / Math.max(box[3] - box[1], 1);
  }
  const meanScore = seen.length ? seen.reduce((s, p) => s + p.score, 0) / seen.length : 0;
  return { torsoAngle, legAngle, headAboveHips, aspect, headUp, visible: seen.length, meanScore, box };
}

function dist(a: Keypoint, b: Keypoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
