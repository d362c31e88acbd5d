/**
 * A bilinear resize plan for one (frame size, input size, resize mode): the
 * source columns/rows and weights of every output pixel, computed once and
 * cached per thread, so the per-frame loops do only loads, multiplies and
 * stores.
 *
 * Sampling follows the pixel-centre convention (as OpenCV INTER_LINEAR):
 *   src = (dst + 0.5) / scale - 0.5, clamped to [0, size - 1].
 * Only the source columns some output pixel touches are converted to RGB
 * ("cols"): at 1920 -> 640 that is 1280 of 1920.
 */
import type { FrameGeometry } from '../api/model.js';
import { computeGeometry, contentSize, type GeometrySpec } from './geometry.js';

export interface ResizePlan {
  geometry: FrameGeometry;
  contentW: number;
  contentH: number;
  /** Source columns that are sampled, ascending. */
  cols: Int32Array;
  /** Per output column: index into cols of the left and right taps, and the right tap's weight. */
  left: Int32Array;
  right: Int32Array;
  wx: Float32Array;
  /** Per output row: the top and bottom source rows and the bottom row's weight. */
  top: Int32Array;
  bottom: Int32Array;
  wy: Float32Array;
  /** Scratch: one converted source row (RGB per entry of cols) and two horizontally resized rows. */
  rowRgb: Uint8ClampedArray;
  hrows: [Float32Array, Float32Array];
  hrowSource: [number, number];
  /** True when no output column blends two source columns. */
  nearestX: boolean;
  /** True when no output row blends two source rows either: each output pixel is one source pixel. */
  nearest: boolean;
}

function axis(srcSize: number, dstSize: number, scale: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(dstSize);
  const i1 = new Int32Array(dstSize);
  const w = new Float32Array(dstSize);
  for (let d = 0; d < dstSize; d++) {
    let s = (d + 0.5) / scale - 0.5;
    if (s < 0) s = 0;
    if (s > srcSize - 1) s = srcSize - 1;
    const f = Math.floor(s);
    i0[d] = f;
    // A tap of weight 0 is not read at all: at integer ratios (1920 -> 640)
    // this halves the pixels converted, with the very same result.
    i1[d] = s === f ? f : Math.min(f + 1, srcSize - 1);
    w[d] = s - f;
  }
  return { i0, i1, w };
}

export function buildResizePlan(frameW: number, frameH: number, spec: GeometrySpec): ResizePlan {
  const geometry = computeGeometry(frameW, frameH, spec);
  const { width: contentW, height: contentH } = contentSize(geometry);
  // Sample with the geometry's own scale, so that boxes mapped back with
  // inputBoxToFrame() land exactly where the pixels came from.
  const x = axis(frameW, contentW, geometry.scaleX);
  const y = axis(frameH, contentH, geometry.scaleY);

  const used = new Uint8Array(frameW);
  for (let j = 0; j < contentW; j++) {
    used[x.i0[j]] = 1;
    used[x.i1[j]] = 1;
  }
  const colIndex = new Int32Array(frameW).fill(-1);
  const colList: number[] = [];
  for (let c = 0; c < frameW; c++) {
    if (used[c]) {
      colIndex[c] = colList.length;
      colList.push(c);
    }
  }
  const left = new Int32Array(contentW);
  const right = new Int32Array(contentW);
  for (let j = 0; j < contentW; j++) {
    left[j] = colIndex[x.i0[j]];
    right[j] = colIndex[x.i1[j]];
  }
  const nearestX = left.every((l, j) => right[j] === l);
  return {
    geometry,
    contentW,
    contentH,
    cols: Int32Array.from(colList),
    left,
    right,
    wx: x.w,
    top: y.i0,
    bottom: y.i1,
    wy: y.w,
    rowRgb: new Uint8ClampedArray(colList.length * 3),
    hrows: [new Float32Array(contentW * 3), new Float32Array(contentW * 3)],
    hrowSource: [-1, -1],
    nearestX,
    nearest: nearestX && y.i0.every((t, i) => y.i1[i] === t),
  };
}

const MAX_PLANS = 16;
const plans = new Map<string, ResizePlan>();

/** The cached plan for this geometry (per thread; a few camera sizes per model in practice). */
export function resizePlan(frameW: number, frameH: number, spec: GeometrySpec): ResizePlan {
  const key = `${frameW}x${frameH}>${spec.width}x${spec.height}/${spec.resize}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value as string);
    plan = buildResizePlan(frameW, frameH, spec);
    plans.set(key, plan);
  }
  return plan;
}
