/**
 * The model window turned by any angle, and the way back. MoveNet reads
 * people within about 30° of upright; someone lying across the view at 45°
 * is read only when the picture is turned by about that much. The view is
 * the window turned clockwise by `angle` degrees about its centre, on a
 * canvas just large enough to hold all of it (sides rounded up to MoveNet's
 * multiple of 32), black outside the window like the letterbox. A slanted
 * 256×192 window needs a 320×320 canvas (twice the pixels, twice the cost),
 * so the view is shrunk to fit `maxSide` (256: a third more than the
 * upright pass).
 */
import { blendRgb } from './bilinear.js';
import type { Pose } from './keypoints.js';
import type { Window } from './window.js';

export interface TurnedView {
  image: Int32Array;
  width: number;
  height: number;
  /** A point of the view → whole-input pixels. */
  toInput(x: number, y: number): [number, number];
}

const up32 = (v: number): number => Math.max(32, Math.ceil(v / 32) * 32);

export function turnedView(input: Uint8Array, stride: number, win: Window, angle: number, maxSide = Infinity): TurnedView {
  const rad = (angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  // 1e-6: exact quarter turns keep the window's own sides (no rounding growth).
  const bw = Math.abs(win.w * cos) + Math.abs(win.h * sin) - 1e-6;
  const bh = Math.abs(win.w * sin) + Math.abs(win.h * cos) - 1e-6;
  const scale = Math.min(1, maxSide / Math.max(bw, bh));
  const width = up32(bw * scale);
  const height = up32(bh * scale);
  const cx = win.x + win.w / 2;
  const cy = win.y + win.h / 2;
  // View pixel (u, v) shows input point R(-angle)·(u - width/2, v - height/2) / scale + centre.
  const toInput = (u: number, v: number): [number, number] => {
    const dx = (u - width / 2) / scale;
    const dy = (v - height / 2) / scale;
    return [cx + dx * cos + dy * sin, cy - dx * sin + dy * cos];
  };
  const image = new Int32Array(width * height * 3);
  const x0 = win.x;
  const y0 = win.y;
  const x1 = win.x + win.w - 1;
  const y1 = win.y + win.h - 1;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const [sx, sy] = toInput(u + 0.5, v + 0.5);
      const x = sx - 0.5;
      const y = sy - 0.5;
      if (x < x0 - 0.5 || y < y0 - 0.5 || x > x1 + 0.5 || y > y1 + 0.5) continue;
      const xa = Math.min(x1, Math.max(x0, Math.floor(x)));
      const ya = Math.min(y1, Math.max(y0, Math.floor(y)));
      const xb = Math.min(x1, xa + 1);
      const yb = Math.min(y1, ya + 1);
      const fx = Math.min(1, Math.max(0, x - xa));
      const fy = Math.min(1, Math.max(0, y - ya));
      blendRgb(input, stride, xa, ya, xb, yb, fx, fy, image, (v * width + u) * 3);
    }
  }
  return { image, width, height, toInput };
}

/** Keypoints at least this sure outline a pose turned by a slanted angle. */
const OUTLINE_SCORE = 0.15;

const bounds = (pts: [number, number][]): [number, number, number, number] => {
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
};

/**
 * A pose found in the view, in whole-input pixels. Its box: the turned box
 * when the turn is a quarter (exact); at a slant, the turned box's bounds
 * would be up to twice the person, so the box is the sure keypoints' bounds
 * with a margin (the turned box's bounds if fewer than two are sure).
 */
export function poseToInput(pose: Pose, view: TurnedView, angle: number): Pose {
  const keypoints = pose.keypoints.map((k) => {
    const [x, y] = view.toInput(k.x, k.y);
    return { x, y, score: k.score };
  });
  const [l, t, r, b] = pose.box;
  let box = bounds([view.toInput(l, t), view.toInput(r, t), view.toInput(r, b), view.toInput(l, b)]);
  const sure = keypoints.filter((k) => k.score >= OUTLINE_SCORE).map((k): [number, number] => [k.x, k.y]);
  if (angle % 90 !== 0 && sure.length >= 2) {
    const k = bounds(sure);
    const m = 0.1 * Math.max(k[2] - k[0], k[3] - k[1]);
    box = [Math.max(box[0], k[0] - m), Math.max(box[1], k[1] - m), Math.min(box[2], k[2] + m), Math.min(box[3], k[3] + m)];
  }
  return { keypoints, score: pose.score, box };
}
