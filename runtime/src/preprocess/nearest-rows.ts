/**
 * The fast path for resizes where every output pixel is exactly one source
 * pixel: integer downscales such as 1920x1080 -> 640x360 (letterboxed into
 * 640x640), where pixel-centre sampling lands on whole source pixels and
 * every bilinear weight is 0. No blending is needed, so each output row is
 * one converted source row (8-bit RGB) mapped through a 256-entry table per
 * channel that already holds the normalised value: one load and one store per
 * output value, no arithmetic. Same values as the blending path, which the
 * reference test checks for both.
 */
import type { InputSpec } from '../config/model-config.js';
import type { Frame } from '../frames/read-frame.js';
import type { ResizePlan } from './resize-plan.js';
import type { RowConverter } from './row-convert.js';

/** Per output channel: the tensor value of each 8-bit level (level * scale + offset). */
export function levelTables(scale: Float64Array, offset: Float64Array): [Float32Array, Float32Array, Float32Array] {
  const table = (c: number): Float32Array => {
    const t = new Float32Array(256);
    for (let v = 0; v < 256; v++) t[v] = v * scale[c]! + offset[c]!;
    return t;
  };
  return [table(0), table(1), table(2)];
}

export function nearestRows(
  frame: Frame,
  spec: InputSpec,
  plan: ResizePlan,
  convert: RowConverter,
  tables: [Float32Array, Float32Array, Float32Array],
  out: Float32Array | Uint8ClampedArray,
): void {
  const W = spec.width;
  const planeSize = W * spec.height;
  const { padX, padY } = plan.geometry;
  const { left, top, rowRgb: rgb } = plan;
  const cw = plan.contentW;
  // Source channel feeding output channels 0 and 2 (channel_order).
  const first = spec.channel_order === 'bgr' ? 2 : 0;
  const last = 2 - first;
  const [t0, t1, t2] = tables;
  const nchw = spec.layout === 'nchw';
  for (let i = 0; i < plan.contentH; i++) {
    convert(frame.data, frame.layout, top[i]!, plan.cols, rgb);
    const y = padY + i;
    if (nchw) {
      const p0 = y * W + padX;
      const p1 = p0 + planeSize;
      const p2 = p1 + planeSize;
      for (let j = 0; j < cw; j++) {
        const a = left[j]! * 3;
        out[p0 + j] = t0[rgb[a + first]!]!;
        out[p1 + j] = t1[rgb[a + 1]!]!;
        out[p2 + j] = t2[rgb[a + last]!]!;
      }
    } else {
      for (let j = 0, o = (y * W + padX) * 3; j < cw; j++, o += 3) {
        const a = left[j]! * 3;
        out[o] = t0[rgb[a + first]!]!;
        out[o + 1] = t1[rgb[a + 1]!]!;
        out[o + 2] = t2[rgb[a + last]!]!;
      }
    }
  }
}
