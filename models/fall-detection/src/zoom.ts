/**
 * Zoomed views for small lying people. MoveNet reads a person well when they
 * fill a good part of its window; a person lying at a sixth of the frame's
 * width is about 40 px long in the 256 input and is often not read even in
 * the quarter-turned passes, yet those passes usually leave a wide box (a
 * slot with no usable skeleton) on them. Cutting a square around that box
 * and enlarging it to a small window makes the person fill it. On the
 * evaluation set, squares cut around the labelled fallen people and
 * enlarged to 128×128 from the 256 input were read as falls 116 times out of
 * 118, and 117 from a 512 input: enlarging the 256 input loses almost
 * nothing, so model.yaml keeps the cheaper 256 input.
 */
import { blendRgb } from './bilinear.js';
import type { Pose } from './keypoints.js';

export type Box = [number, number, number, number];

/** A square of the model input: top-left corner and side, in input pixels. */
export interface Square {
  x: number;
  y: number;
  side: number;
}

/** Side of the zoom window (a multiple of 32): 128² costs about a third of a 256×192 pass. */
export const ZOOM_WINDOW = 128;
/** Never enlarge more than this (in the 256 input, a 32 px square at most ×4). */
const MIN_SIDE = ZOOM_WINDOW / 4;

/**
 * A square in input pixels centred on `box`, `context` times its longer side
 * (model.yaml `zoom_context`), kept inside the input where possible.
 */
export function zoomSquare(box: readonly number[], size: number, context: number): Square {
  const side = Math.min(size, Math.max(MIN_SIDE, context * Math.max(box[2] - box[0], box[3] - box[1])));
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const clamp = (c: number): number => Math.max(0, Math.min(size - side, c - side / 2));
  return { x: clamp(cx), y: clamp(cy), side };
}

/**
 * Whether a zoomed look at `box` is worth its two passes: its square
 * (`context` times the longer side) is at most `maxSide` input pixels
 * (model.yaml `zoom_max_side`; 512, no limit, by default). A weak slot box
 * often spans most of the frame; its square, read on 128×128, shrinks what
 * the 256 views already read. On the dev split a square over half the frame
 * each way took the one look in 68 of 159 frames, and in 23 of the 40 with a
 * missed fall; with 128 (the zoom window's side) the look goes to the next
 * place, and 75 of 111 dev falls were found instead of 71, but the held-out
 * split did not confirm it (README, tuning table).
 */
export function enlarges(box: readonly number[], context: number, maxSide: number): boolean {
  return context * Math.max(box[2] - box[0], box[3] - box[1]) <= maxSide;
}

/**
 * Bilinear resample of the square (x, y, side) of an S×S uint8 RGB image into
 * an n×n int32 image (MoveNet's dtype). Samples outside the input read its
 * nearest edge pixel.
 */
export function cropSquare(src: Uint8Array, size: number, sq: Square, n: number, out: Int32Array): Int32Array {
  const k = sq.side / n;
  const at = (v: number): number => Math.max(0, Math.min(size - 1, v));
  for (let j = 0; j < n; j++) {
    const sy = at(sq.y + (j + 0.5) * k - 0.5);
    const y0 = Math.floor(sy);
    const y1 = Math.min(size - 1, y0 + 1);
    const fy = sy - y0;
    for (let i = 0; i < n; i++) {
      const sx = at(sq.x + (i + 0.5) * k - 0.5);
      const x0 = Math.floor(sx);
      const x1 = Math.min(size - 1, x0 + 1);
      const fx = sx - x0;
      blendRgb(src, size, x0, y0, x1, y1, fx, fy, out, (j * n + i) * 3);
    }
  }
  return out;
}

/** Maps a pose found in the n×n zoom window back to whole-input pixels. */
export function unzoomPose(pose: Pose, sq: Square, n: number): Pose {
  const k = sq.side / n;
  return {
    keypoints: pose.keypoints.map((p) => ({ x: sq.x + p.x * k, y: sq.y + p.y * k, score: p.score })),
    score: pose.score,
    box: [sq.x + pose.box[0] * k, sq.y + pose.box[1] * k, sq.x + pose.box[2] * k, sq.y + pose.box[3] * k],
  };
}
