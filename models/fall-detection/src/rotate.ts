/**
 * Quarter turns of the square model input, and the way back. MoveNet was
 * trained mostly on upright people; a person lying on the floor, turned by
 * 90°, looks upright to it. The letterboxed input is square, so a quarter
 * turn is a pure index permutation (no resampling) costing well under 1 ms.
 */
import type { Keypoint, Pose } from './keypoints.js';

export type Turn = 'cw' | 'ccw';

/**
 * Turns an S×S×3 NHWC image a quarter, writing int32 (MoveNet's input dtype).
 *   cw:  rotated(x', y') = src(y', S-1-x')
 *   ccw: rotated(x', y') = src(S-1-y', x')
 */
export function rotateSquare(src: Uint8Array, size: number, turn: Turn, out: Int32Array): Int32Array {
  const S = size;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const sx = turn === 'cw' ? y : S - 1 - y;
      const sy = turn === 'cw' ? S - 1 - x : x;
      const i = (sy * S + sx) * 3;
      const o = (y * S + x) * 3;
      out[o] = src[i];
      out[o + 1] = src[i + 1];
      out[o + 2] = src[i + 2];
    }
  }
  return out;
}

/** Maps a point found in the turned image (continuous pixels) back to the upright input. */
export function unturnPoint(x: number, y: number, size: number, turn: Turn): { x: number; y: number } {
  // Pixel (x', y') reads source (y', S-1-x') for cw; in continuous coordinates
  // (pixel centres at +0.5) that is x = y', y = S - x'.
  return turn === 'cw' ? { x: y, y: size - x } : { x: size - y, y: x };
}

export function unturnPose(pose: Pose, size: number, turn: Turn): Pose {
  const keypoints: Keypoint[] = pose.keypoints.map((k) => ({ ...unturnPoint(k.x, k.y, size, turn), score: k.score }));
  const a = unturnPoint(pose.box[0], pose.box[1], size, turn);
  const b = unturnPoint(pose.box[2], pose.box[3], size, turn);
  return {
    keypoints,
    score: pose.score,
    box: [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)],
  };
}
