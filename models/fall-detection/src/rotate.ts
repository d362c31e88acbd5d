/**
 * Quarter turns of the model input, and the way back. MoveNet was trained
 * mostly on upright people; a person lying on the floor, turned by 90°, looks
 * upright to it. A quarter turn is a pure index permutation (no resampling)
 * costing well under 1 ms, and a W×H input (both multiples of 32) turns into
 * an H×W one that MoveNet takes as well.
 */
import type { Keypoint, Pose } from './keypoints.js';

export type Turn = 'cw' | 'ccw';

/**
 * Turns a W×H×3 int32 image a quarter into `out` (H wide, W high).
 *   cw:  out(x', y') = src(y', H-1-x')
 *   ccw: out(x', y') = src(W-1-y', x')
 */
export function rotateImage(src: Int32Array, w: number, h: number, turn: Turn, out: Int32Array): Int32Array {
  const ow = h;
  const oh = w;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const sx = turn === 'cw' ? y : w - 1 - y;
      const sy = turn === 'cw' ? h - 1 - x : x;
      const i = (sy * w + sx) * 3;
      const o = (y * ow + x) * 3;
      out[o] = src[i];
      out[o + 1] = src[i + 1];
      out[o + 2] = src[i + 2];
    }
  }
  return out;
}

/**
 * Maps a point found in the turned image back to the W×H source, in
 * continuous pixel coordinates (pixel centres at +0.5): for cw, pixel
 * (x', y') reads source (y', H-1-x'), so x = y', y = H - x'.
 */
export function unturnPoint(x: number, y: number, w: number, h: number, turn: Turn): { x: number; y: number } {
  return turn === 'cw' ? { x: y, y: h - x } : { x: w - y, y: x };
}

export function unturnPose(pose: Pose, w: number, h: number, turn: Turn): Pose {
  const keypoints: Keypoint[] = pose.keypoints.map((k) => ({ ...unturnPoint(k.x, k.y, w, h, turn), score: k.score }));
  const a = unturnPoint(pose.box[0], pose.box[1], w, h, turn);
  const b = unturnPoint(pose.box[2], pose.box[3], w, h, turn);
  return {
    keypoints,
    score: pose.score,
    box: [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)],
  };
}

/** Shifts a pose found in a window of the input back to whole-input pixels. */
export function offsetPose(pose: Pose, dx: number, dy: number): Pose {
  return {
    keypoints: pose.keypoints.map((k) => ({ x: k.x + dx, y: k.y + dy, score: k.score })),
    score: pose.score,
    box: [pose.box[0] + dx, pose.box[1] + dy, pose.box[2] + dx, pose.box[3] + dy],
  };
}
