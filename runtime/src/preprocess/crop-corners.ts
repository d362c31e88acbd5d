/**
 * Cuts a quadrilateral out of the original frame and turns it upright: the
 * full-resolution access a two-stage model needs after finding regions on
 * its small letterboxed input (a text line, a plate, a face), so small
 * detail stays legible and rotated regions come out level.
 *
 * `corners` are [top-left, top-right, bottom-right, bottom-left] of the
 * region, in frame pixels, in reading order: the output's x axis runs from
 * the first corner to the second. Each output pixel maps bilinearly into the
 * quadrilateral (exact for the rectangles and parallelograms detectors
 * give), and is the mean of a few bilinear samples per axis when the region
 * is larger than the output, so shrinking does not alias.
 *
 * Only the region's bounding box is converted to RGB, with the same row
 * converters (and colour maths) as preprocess().
 */
import type { Frame } from '../frames/read-frame.js';
import { ROW_CONVERTERS } from './row-convert.js';

export type Point = readonly [number, number];
export type Corners = readonly [Point, Point, Point, Point];

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, RGB, row-major. */
  data: Uint8ClampedArray;
}

/** At most this many samples per axis and output pixel when shrinking. */
const MAX_TAPS = 4;

const dist = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** The region's bounding box in frame pixels, converted to RGB once. */
function regionRgb(frame: Frame, corners: Corners): { x0: number; y0: number; w: number; h: number; rgb: Uint8ClampedArray } {
  const { width, height } = frame.layout;
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(Math.min(...xs))));
  const x1 = Math.max(0, Math.min(width - 1, Math.ceil(Math.max(...xs))));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(Math.min(...ys))));
  const y1 = Math.max(0, Math.min(height - 1, Math.ceil(Math.max(...ys))));
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const cols = new Int32Array(w);
  for (let i = 0; i < w; i++) cols[i] = x0 + i;
  const rgb = new Uint8ClampedArray(w * h * 3);
  const convert = ROW_CONVERTERS[frame.layout.format];
  for (let r = 0; r < h; r++) convert(frame.data, frame.layout, y0 + r, cols, rgb.subarray(r * w * 3, (r + 1) * w * 3));
  return { x0, y0, w, h, rgb };
}

export function cropCorners(frame: Frame, corners: Corners, outWidth: number, outHeight: number): RgbImage {
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth < 1 || outHeight < 1) {
    throw new RangeError(`cropCorners: output size must be positive integers, got ${outWidth}x${outHeight}`);
  }
  if (corners.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) throw new RangeError('cropCorners: corners must be finite');
  const [tl, tr, br, bl] = corners;
  const region = regionRgb(frame, corners);
  const { x0, y0, w, h, rgb } = region;
  const tapsX = Math.min(MAX_TAPS, Math.max(1, Math.ceil(Math.max(dist(tl, tr), dist(bl, br)) / outWidth)));
  const tapsY = Math.min(MAX_TAPS, Math.max(1, Math.ceil(Math.max(dist(tl, bl), dist(tr, br)) / outHeight)));
  const out = new Uint8ClampedArray(outWidth * outHeight * 3);
  const acc = [0, 0, 0];
  const sample = (fx: number, fy: number): void => {
    // Pixel centres (OpenCV convention), clamped to the region.
    const x = Math.min(w - 1, Math.max(0, fx - 0.5 - x0));
    const y = Math.min(h - 1, Math.max(0, fy - 0.5 - y0));
    const xa = Math.floor(x);
    const ya = Math.floor(y);
    const xb = Math.min(w - 1, xa + 1);
    const yb = Math.min(h - 1, ya + 1);
    const wx = x - xa;
    const wy = y - ya;
    const a = (ya * w + xa) * 3;
    const b = (ya * w + xb) * 3;
    const c = (yb * w + xa) * 3;
    const d = (yb * w + xb) * 3;
    for (let k = 0; k < 3; k++) {
      const top = rgb[a + k] + (rgb[b + k] - rgb[a + k]) * wx;
      const bottom = rgb[c + k] + (rgb[d + k] - rgb[c + k]) * wx;
      acc[k] += top + (bottom - top) * wy;
    }
  };
  const n = tapsX * tapsY;
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let ty = 0; ty < tapsY; ty++) {
        const v = (oy + (ty + 0.5) / tapsY) / outHeight;
        for (let tx = 0; tx < tapsX; tx++) {
          const u = (ox + (tx + 0.5) / tapsX) / outWidth;
          // Bilinear map of the unit square onto the quadrilateral.
          const topX = tl[0] + (tr[0] - tl[0]) * u;
          const topY = tl[1] + (tr[1] - tl[1]) * u;
          const botX = bl[0] + (br[0] - bl[0]) * u;
          const botY = bl[1] + (br[1] - bl[1]) * u;
          sample(topX + (botX - topX) * v, topY + (botY - topY) * v);
        }
      }
      const o = (oy * outWidth + ox) * 3;
      out[o] = acc[0] / n;
      out[o + 1] = acc[1] / n;
      out[o + 2] = acc[2] / n;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
