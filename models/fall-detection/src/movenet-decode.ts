/**
 * MoveNet MultiPose's decoding, in TypeScript: the part of the TF graph after
 * its six convolutional heads (CenterNet-style), step for step as the pinned
 * model's graph computes it, so that the ONNX backbone plus this decode give
 * the TF.js model's [1, 6, 56] (checked on real frames in
 * test/movenet-onnx.test.ts). On TF.js these ~190 small ops cost as much as
 * the whole backbone on ONNX Runtime; here they cost well under a millisecond.
 *
 * Heads, NHWC on the h x w grid (input / 4): centre logits [h,w,1], keypoint
 * heatmap logits [h,w,17], keypoint regression [h,w,17x(dy,dx)], keypoint
 * offset [h,w,17x(dy,dx)], box offset [h,w,(dy,dx)], box scale [h,w,(h,w)].
 *
 * Steps: the 6 strongest local maxima (5x5) of the centre heatmap are the
 * people; each regresses its 17 keypoints from its centre; each keypoint is
 * then snapped to the cell, inside the person's box, where the keypoint
 * heatmap weighted by a Gaussian of the distance to the regressed point is
 * highest, plus that cell's offset. The person score is the centre score
 * times the mean score of the keypoints above a floor.
 */
export const PEOPLE = 6;
export const KEYPOINTS = 17;
/** The network's output stride: head cells per input pixel. */
export const STRIDE = 4;

// The graph's constants, as stored in the pinned model (float16-rounded).
/** A cell is a peak when its centre score is this close to its 5x5 maximum. */
const PEAK_TOLERANCE = 1.0132789611816406e-6;
const PEAK_WINDOW = 5;
/** Gaussian width of the snap, times the grid's shorter side. */
const SNAP_SIGMA_SCALE = 0.300048828125;
/** Keypoints scoring above this count towards the person score. */
const KEYPOINT_FLOOR = 0.126953125;

export interface MoveNetHeads {
  /** Grid height and width (input height / 4, input width / 4). */
  h: number;
  w: number;
  center: Float32Array;
  heatmap: Float32Array;
  regress: Float32Array;
  offset: Float32Array;
  boxOffset: Float32Array;
  boxScale: Float32Array;
}

const f = Math.fround;
const sigmoid = (x: number): number => f(1 / (1 + Math.exp(-x)));

/** Flat indices of the k largest values, largest first; ties keep the lower index first (as TF's TopKV2). */
function topK(values: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (top.length === k && v <= values[top[k - 1]!]!) continue;
    let at = top.length;
    while (at > 0 && v > values[top[at - 1]!]!) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/** Centre scores kept only at 5x5 local maxima (MaxPool SAME: the window ignores the border). */
function centrePeaks(center: Float32Array, h: number, w: number): Float32Array {
  const half = PEAK_WINDOW >> 1;
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = -Infinity;
      for (let yy = Math.max(0, y - half); yy <= Math.min(h - 1, y + half); yy++) {
        for (let xx = Math.max(0, x - half); xx <= Math.min(w - 1, x + half); xx++) m = Math.max(m, center[yy * w + xx]!);
      }
      const c = center[y * w + x]!;
      out[y * w + x] = Math.abs(f(c - m)) < PEAK_TOLERANCE ? c : 0;
    }
  }
  return out;
}

const clip = (v: number, hi: number): number => Math.max(Math.min(v, hi), 0);

export function decodeMoveNet(heads: MoveNetHeads): Float32Array {
  const { h, w } = heads;
  const center = heads.center.map(sigmoid);
  // Keypoint heatmap scores, computed when first read: most cells lie in no box.
  const heatCache = new Float32Array(heads.heatmap.length).fill(NaN);
  const heat = (i: number): number => {
    const v = heatCache[i]!;
    return v === v ? v : (heatCache[i] = sigmoid(heads.heatmap[i]!));
  };
  const peaks = centrePeaks(center, h, w);
  const chosen = topK(peaks, PEOPLE);

  // Per person: its centre cell, regressed keypoints (grid units) and box.
  const ry = new Float32Array(PEOPLE * KEYPOINTS);
  const rx = new Float32Array(PEOPLE * KEYPOINTS);
  const boxes = new Float32Array(PEOPLE * 4); // ymin, xmin, ymax, xmax in grid units
  chosen.forEach((idx, p) => {
    const row = Math.floor(idx / w);
    const col = idx - row * w;
    const cell = row * w + col;
    for (let k = 0; k < KEYPOINTS; k++) {
      ry[p * KEYPOINTS + k] = row + heads.regress[cell * 34 + 2 * k]!;
      rx[p * KEYPOINTS + k] = col + heads.regress[cell * 34 + 2 * k + 1]!;
    }
    const cy = f(row + heads.boxOffset[cell * 2]!);
    const cx = f(col + heads.boxOffset[cell * 2 + 1]!);
    const hh = f(Math.max(heads.boxScale[cell * 2]!, 0) * 0.5);
    const hw = f(Math.max(heads.boxScale[cell * 2 + 1]!, 0) * 0.5);
    boxes.set([clip(f(cy - hh), h), clip(f(cx - hw), w), clip(f(cy + hh), h), clip(f(cx + hw), w)], p * 4);
  });

  const spread = f(Math.min(h, w) * SNAP_SIGMA_SCALE);
  /** The snap weight of cell (y, x) for person p's keypoint k (0 outside the person's box). */
  const weight = (y: number, x: number, p: number, k: number): number => {
    const b = p * 4;
    if (!(y >= boxes[b]! && y < boxes[b + 2]! && x >= boxes[b + 1]! && x < boxes[b + 3]!)) return 0;
    const dy = f(y - ry[p * KEYPOINTS + k]!);
    const dx = f(x - rx[p * KEYPOINTS + k]!);
    const d2 = f(f(dy * dy) + f(dx * dx));
    return f(heat((y * w + x) * KEYPOINTS + k) * f(Math.exp(f(-d2 / spread))));
  };

  const out = new Float32Array(PEOPLE * 56);
  const yScale = f(STRIDE / (h * STRIDE));
  const xScale = f(STRIDE / (w * STRIDE));
  chosen.forEach((idx, p) => {
    const o = p * 56;
    const b = p * 4;
    let sum = 0;
    let count = 0;
    for (let k = 0; k < KEYPOINTS; k++) {
      // ArgMax over the grid: the first cell (row-major) with the highest weight,
      // cell 0 when all are 0. Cells outside the box weigh 0: only the box is read.
      let best = 0;
      let bestValue = 0;
      for (let y = Math.max(0, Math.ceil(boxes[b]!)); y < Math.min(h, boxes[b + 2]!); y++) {
        for (let x = Math.max(0, Math.ceil(boxes[b + 1]!)); x < Math.min(w, boxes[b + 3]!); x++) {
          // The Gaussian is at most 1: a cell whose heatmap is no higher cannot win.
          if (heat((y * w + x) * KEYPOINTS + k) <= bestValue) continue;
          const v = weight(y, x, p, k);
          if (v > bestValue) {
            bestValue = v;
            best = y * w + x;
          }
        }
      }
      const by = Math.floor(best / w);
      const bx = best - by * w;
      // The keypoint's score: the highest weight any person gives that cell.
      let score = 0;
      for (let q = 0; q < PEOPLE; q++) score = Math.max(score, weight(by, bx, q, k));
      out[o + 3 * k] = f(f(by + heads.offset[best * 34 + 2 * k]!) * yScale);
      out[o + 3 * k + 1] = f(f(bx + heads.offset[best * 34 + 2 * k + 1]!) * xScale);
      out[o + 3 * k + 2] = score;
      if (score > KEYPOINT_FLOOR) {
        sum = f(sum + f(peaks[idx]! * score));
        count++;
      }
    }
    out[o + 51] = clip(f(f(boxes[b]! * STRIDE) / (h * STRIDE)), 1);
    out[o + 52] = clip(f(f(boxes[b + 1]! * STRIDE) / (w * STRIDE)), 1);
    out[o + 53] = clip(f(f(boxes[b + 2]! * STRIDE) / (h * STRIDE)), 1);
    out[o + 54] = clip(f(f(boxes[b + 3]! * STRIDE) / (w * STRIDE)), 1);
    out[o + 55] = f(f(1 / Math.max(count, 1)) * sum);
  });
  return out;
}
