/**
 * The YUV (NV12, I420) case of the nearest path (nearest-rows.ts), in one
 * pass with integer fixed-point arithmetic: per output value, two or three
 * table lookups and adds give the channel level (BT.601, see row-convert.ts)
 * scaled by 2^16, a shift and a clamp give the 8-bit level, one multiply-add
 * normalises it. No intermediate RGB row, no float colour maths.
 *
 *   R = clamp((Y[y] + RV[v]) >> 16)    G = clamp((Y[y] + GU[u] + GV[v]) >> 16)    B = clamp((Y[y] + BU[u]) >> 16)
 *
 * Y[] carries the rounding half, so the levels are rounded like the
 * blending path's (the reference test holds both to ±2 levels; in practice
 * they agree exactly).
 */
import type { InputSpec } from '../config/model-config.js';
import type { Frame } from '../frames/read-frame.js';
import type { ResizePlan } from './resize-plan.js';
import { BT601 } from './row-convert.js';

const SHIFT = 16;

function fixed(coefficient: number, zero: number, extra = 0): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) t[i] = Math.round(coefficient * (i - zero) * (1 << SHIFT)) + extra;
  return t;
}
const Y_T = fixed(BT601.y, 16, 1 << (SHIFT - 1));
const RV_T = fixed(BT601.rv, 128);
const GU_T = fixed(BT601.gu, 128);
const GV_T = fixed(BT601.gv, 128);
const BU_T = fixed(BT601.bu, 128);

/** Output values: level * scale[c] + offset[c], per output channel (channel_order's order). */
export function yuvNearestRows(frame: Frame, spec: InputSpec, plan: ResizePlan, scale: Float64Array, offset: Float64Array, out: Float32Array | Uint8ClampedArray): void {
  const d = frame.data;
  const l = frame.layout;
  const nv12 = l.format === 'NV12';
  const cw = plan.contentW;
  // Source column of each output column, and its chroma sample's offset in a chroma row.
  const xs = new Int32Array(cw);
  const cx = new Int32Array(cw);
  for (let j = 0; j < cw; j++) {
    const x = plan.cols[plan.left[j]!]!;
    xs[j] = x;
    cx[j] = nv12 ? x & ~1 : x >> 1;
  }
  // NV12 interleaves U,V: V is the byte after U. I420 has a V plane of its own.
  const vDelta = nv12 ? 1 : l.vOffset - l.uOffset;
  const W = spec.width;
  const planeSize = W * spec.height;
  const { padX, padY } = plan.geometry;
  const bgr = spec.channel_order === 'bgr';
  const s0 = scale[0]!;
  const s1 = scale[1]!;
  const s2 = scale[2]!;
  const a0 = offset[0]!;
  const a1 = offset[1]!;
  const a2 = offset[2]!;
  const nchw = spec.layout === 'nchw';
  // Output channel 0 is R (rgb) or B (bgr), 2 the other; nhwc steps by 3, nchw writes planes.
  const step = nchw ? 1 : 3;
  const d1 = nchw ? planeSize : 1;
  for (let i = 0; i < plan.contentH; i++) {
    const row = plan.top[i]!;
    const yRow = row * l.stride;
    const uRow = l.uOffset + (row >> 1) * l.chromaStride;
    const vRow = uRow + vDelta;
    let o = nchw ? (padY + i) * W + padX : ((padY + i) * W + padX) * 3;
    for (let j = 0; j < cw; j++, o += step) {
      const yy = Y_T[d[yRow + xs[j]!]!]!;
      const u = d[uRow + cx[j]!]!;
      const v = d[vRow + cx[j]!]!;
      const r = Math.min(255, Math.max(0, (yy + RV_T[v]!) >> SHIFT));
      const g = Math.min(255, Math.max(0, (yy + GU_T[u]! + GV_T[v]!) >> SHIFT));
      const b = Math.min(255, Math.max(0, (yy + BU_T[u]!) >> SHIFT));
      out[o] = (bgr ? b : r) * s0 + a0;
      out[o + d1] = g * s1 + a1;
      out[o + 2 * d1] = (bgr ? r : b) * s2 + a2;
    }
  }
}
