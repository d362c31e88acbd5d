/**
 * Frame → model input tensor, in one pass: each output row converts only the
 * source columns it samples (row-convert.ts), resizes them horizontally
 * (resize-plan.ts), blends two such rows vertically and writes the result
 * normalised, in the requested layout and channel order. No full-size RGB
 * copy of the frame is ever built.
 *
 *   frame rows ──convert cols──▶ rowRgb ──horizontal──▶ hrow[2] ──vertical+normalise──▶ tensor
 *
 * The two horizontal rows are cached by source row, so upscaling (where
 * neighbouring output rows share source rows) converts each row once.
 * The tensor's memory is the caller's until it calls releaseInput() (the
 * worker does once infer() has settled); then the next frame reuses it.
 */
import type { InputTensor } from '../api/model.js';
import type { InputSpec } from '../config/model-config.js';
import type { Frame } from '../frames/read-frame.js';
import { levelTables, nearestRows } from './nearest-rows.js';
import { resizePlan, type ResizePlan } from './resize-plan.js';
import { yuvNearestRows } from './yuv-nearest.js';
import { yuvNearestWasm } from './yuv-nearest-wasm.js';
import { pooled, takeBuffer } from './tensor-pool.js';
import { ROW_CONVERTERS, type RowConverter } from './row-convert.js';

/** Output scale and offset per RGB channel: float32 = level * scale + offset; uint8 = level. */
function channelAffine(spec: InputSpec): { scale: Float64Array; offset: Float64Array } {
  const scale = new Float64Array(3);
  const offset = new Float64Array(3);
  for (let c = 0; c < 3; c++) {
    if (spec.dtype === 'float32') {
      scale[c] = 1 / (255 * spec.std[c]);
      offset[c] = -spec.mean[c] / spec.std[c];
    } else {
      scale[c] = 1;
      offset[c] = 0;
    }
  }
  return { scale, offset };
}

function horizontalRow(plan: ResizePlan, slot: number, srcRow: number, convert: RowConverter, frame: Frame): Float32Array {
  const out = plan.hrows[slot];
  convert(frame.data, frame.layout, srcRow, plan.cols, plan.rowRgb);
  const rgb = plan.rowRgb;
  const { left, right, wx } = plan;
  if (plan.nearestX) {
    // Every right tap has weight 0 (integer ratio): a gather, no blend.
    for (let j = 0, o = 0; j < left.length; j++, o += 3) {
      const a = left[j] * 3;
      out[o] = rgb[a];
      out[o + 1] = rgb[a + 1];
      out[o + 2] = rgb[a + 2];
    }
    plan.hrowSource[slot] = srcRow;
    return out;
  }
  for (let j = 0, o = 0; j < left.length; j++, o += 3) {
    const a = left[j] * 3;
    const b = right[j] * 3;
    const w = wx[j];
    out[o] = rgb[a] + (rgb[b] - rgb[a]) * w;
    out[o + 1] = rgb[a + 1] + (rgb[b + 1] - rgb[a + 1]) * w;
    out[o + 2] = rgb[a + 2] + (rgb[b + 2] - rgb[a + 2]) * w;
  }
  plan.hrowSource[slot] = srcRow;
  return out;
}

/** The horizontally resized source row, from the two-row cache when possible. */
function hrowFor(plan: ResizePlan, srcRow: number, keep: number, convert: RowConverter, frame: Frame): Float32Array {
  if (plan.hrowSource[0] === srcRow) return plan.hrows[0];
  if (plan.hrowSource[1] === srcRow) return plan.hrows[1];
  // Overwrite the slot that does not hold `keep` (the other row this output row needs).
  const slot = plan.hrowSource[0] === keep ? 1 : 0;
  return horizontalRow(plan, slot, srcRow, convert, frame);
}

function fillPadding(out: Float32Array | Uint8ClampedArray, spec: InputSpec, plan: ResizePlan, pad: Float64Array): void {
  const W = spec.width;
  const H = spec.height;
  const { padX, padY } = plan.geometry;
  const cw = plan.contentW;
  const ch = plan.contentH;
  if (padX === 0 && padY === 0 && cw === W && ch === H) return;
  if (spec.layout === 'nchw') {
    for (let c = 0; c < 3; c++) {
      const plane = c * W * H;
      const v = pad[c];
      out.fill(v, plane, plane + padY * W);
      out.fill(v, plane + (padY + ch) * W, plane + H * W);
      for (let y = padY; y < padY + ch; y++) {
        out.fill(v, plane + y * W, plane + y * W + padX);
        out.fill(v, plane + y * W + padX + cw, plane + (y + 1) * W);
      }
    }
    return;
  }
  // NHWC: write one padded pixel, then double it with copyWithin (memcpy speed).
  const fillPixels = (from: number, count: number): void => {
    if (count <= 0) return;
    const start = from * 3;
    out[start] = pad[0];
    out[start + 1] = pad[1];
    out[start + 2] = pad[2];
    let done = 3;
    const total = count * 3;
    while (done < total) {
      const n = Math.min(done, total - done);
      out.copyWithin(start + done, start, start + n);
      done += n;
    }
  };
  fillPixels(0, padY * W);
  fillPixels((padY + ch) * W, (H - padY - ch) * W);
  for (let y = padY; y < padY + ch; y++) {
    fillPixels(y * W, padX);
    fillPixels(y * W + padX + cw, W - padX - cw);
  }
}

export function preprocess(frame: Frame, spec: InputSpec): InputTensor {
  const { width: fw, height: fh } = frame.layout;
  const plan = resizePlan(fw, fh, spec);
  const convert = ROW_CONVERTERS[frame.layout.format];
  const W = spec.width;
  const H = spec.height;
  const n = W * H * 3;
  // Every value is written below (content and padding), so the tensor's
  // memory need not be zeroed first. Reused once released (tensor-pool.ts).
  const bytes = takeBuffer(spec.dtype === 'float32' ? n * 4 : n);
  const data = spec.dtype === 'float32' ? new Float32Array(bytes, 0, n) : new Uint8Array(bytes, 0, n);
  // uint8 is written through a clamped view: rounding and clamping for free.
  const out = data instanceof Float32Array ? data : new Uint8ClampedArray(data.buffer, data.byteOffset, n);
  // mean/std are per output channel, i.e. in channel_order's order.
  const { scale, offset } = channelAffine(spec);
  const bgr = spec.channel_order === 'bgr';
  const s0 = scale[0];
  const o0 = offset[0];
  const s1 = scale[1];
  const o1 = offset[1];
  const s2 = scale[2];
  const o2 = offset[2];
  const pad = new Float64Array(3);
  for (let c = 0; c < 3; c++) pad[c] = spec.pad_value * scale[c] + offset[c];
  fillPadding(out, spec, plan, pad);

  if (plan.nearest && (frame.layout.format === 'NV12' || frame.layout.format === 'I420')) {
    if (!yuvNearestWasm(frame, spec, plan, scale, offset, out)) yuvNearestRows(frame, spec, plan, scale, offset, out);
    return tensorOf(data, spec, plan);
  }
  if (plan.nearest) {
    nearestRows(frame, spec, plan, convert, levelTables(scale, offset), out);
    return tensorOf(data, spec, plan);
  }
  plan.hrowSource[0] = -1; // the frame changed: the row cache is stale
  plan.hrowSource[1] = -1;
  const { padX, padY } = plan.geometry;
  const cw = plan.contentW;
  const nchw = spec.layout === 'nchw';
  const planeSize = W * H;
  for (let i = 0; i < plan.contentH; i++) {
    const t = plan.top[i];
    const b = plan.bottom[i];
    const wy = plan.wy[i];
    const rowT = hrowFor(plan, t, b, convert, frame);
    const rowB = b === t ? rowT : hrowFor(plan, b, t, convert, frame);
    const y = padY + i;
    if (b === t && !nchw) {
      // Bottom tap of weight 0: no vertical blend.
      let o = (y * W + padX) * 3;
      for (let k = 0, end = cw * 3; k < end; k += 3, o += 3) {
        out[o] = (bgr ? rowT[k + 2] : rowT[k]) * s0 + o0;
        out[o + 1] = rowT[k + 1] * s1 + o1;
        out[o + 2] = (bgr ? rowT[k] : rowT[k + 2]) * s2 + o2;
      }
    } else if (nchw) {
      const base = y * W + padX;
      const p1 = planeSize + base;
      const p2 = 2 * planeSize + base;
      for (let j = 0, k = 0; j < cw; j++, k += 3) {
        const r = rowT[k] + (rowB[k] - rowT[k]) * wy;
        const g = rowT[k + 1] + (rowB[k + 1] - rowT[k + 1]) * wy;
        const bl = rowT[k + 2] + (rowB[k + 2] - rowT[k + 2]) * wy;
        out[base + j] = (bgr ? bl : r) * s0 + o0;
        out[p1 + j] = g * s1 + o1;
        out[p2 + j] = (bgr ? r : bl) * s2 + o2;
      }
    } else {
      let o = (y * W + padX) * 3;
      for (let j = 0, k = 0; j < cw; j++, k += 3, o += 3) {
        const r = rowT[k] + (rowB[k] - rowT[k]) * wy;
        const g = rowT[k + 1] + (rowB[k + 1] - rowT[k + 1]) * wy;
        const bl = rowT[k + 2] + (rowB[k + 2] - rowT[k + 2]) * wy;
        out[o] = (bgr ? bl : r) * s0 + o0;
        out[o + 1] = g * s1 + o1;
        out[o + 2] = (bgr ? r : bl) * s2 + o2;
      }
    }
  }
  return tensorOf(data, spec, plan);
}

function tensorOf(data: Float32Array | Uint8Array, spec: InputSpec, plan: ResizePlan): InputTensor {
  const nchw = spec.layout === 'nchw';
  return pooled({
    data,
    shape: nchw ? [1, 3, spec.height, spec.width] : [1, spec.height, spec.width, 3],
    dtype: spec.dtype,
    layout: spec.layout,
    geometry: plan.geometry,
  }, data.buffer as ArrayBuffer);
}

/**
 * A deterministic input of the right shape and type, for warmup: a smooth
 * colour gradient (not all zeros, so models that skip work on empty input
 * still exercise their full path) as if from a frame of the input's own size.
 */
export function syntheticInput(spec: InputSpec): InputTensor {
  const W = spec.width;
  const H = spec.height;
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      rgb[i] = Math.floor((255 * x) / Math.max(1, W - 1));
      rgb[i + 1] = Math.floor((255 * y) / Math.max(1, H - 1));
      rgb[i + 2] = 128;
    }
  }
  const frame: Frame = {
    layout: { format: 'RGB24', width: W, height: H, stride: W * 3, chromaStride: 0, uOffset: 0, vOffset: 0, byteLength: W * H * 3 },
    data: rgb,
  };
  return preprocess(frame, spec);
}
