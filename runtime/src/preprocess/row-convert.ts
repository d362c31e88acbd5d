/**
 * Converts the sampled columns of one source row to RGB, for each frame
 * format. YUV uses BT.601 studio swing (Y 16..235, chroma 16..240), the
 * standard for BT.601 video and what OpenCV's NV12 conversion (the old Python
 * runtime) uses:
 *
 *   R = 1.164(Y-16)                + 1.596(V-128)
 *   G = 1.164(Y-16) - 0.392(U-128) - 0.813(V-128)
 *   B = 1.164(Y-16) + 2.017(U-128)
 *
 * Chroma is taken from the 2x2 block the pixel belongs to (nearest), as
 * OpenCV does. Products come from 256-entry tables, and the store into a
 * Uint8ClampedArray does the clamping and rounding without branches.
 */
import type { FrameLayout } from '../frames/layout.js';

export const BT601 = { y: 1.164383, rv: 1.596027, gu: -0.391762, gv: -0.812968, bu: 2.017232 } as const;

const yTab = new Float64Array(256);
const rvTab = new Float64Array(256);
const guTab = new Float64Array(256);
const gvTab = new Float64Array(256);
const buTab = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  yTab[i] = BT601.y * (i - 16);
  rvTab[i] = BT601.rv * (i - 128);
  guTab[i] = BT601.gu * (i - 128);
  gvTab[i] = BT601.gv * (i - 128);
  buTab[i] = BT601.bu * (i - 128);
}

export type RowConverter = (data: Uint8Array, layout: FrameLayout, row: number, cols: Int32Array, out: Uint8ClampedArray) => void;

function nv12Row(d: Uint8Array, l: FrameLayout, row: number, cols: Int32Array, out: Uint8ClampedArray): void {
  const yRow = row * l.stride;
  const uvRow = l.uOffset + (row >> 1) * l.chromaStride;
  for (let k = 0, o = 0; k < cols.length; k++, o += 3) {
    const x = cols[k];
    const yy = yTab[d[yRow + x]];
    const c = uvRow + (x & ~1);
    const u = d[c];
    const v = d[c + 1];
    out[o] = yy + rvTab[v];
    out[o + 1] = yy + guTab[u] + gvTab[v];
    out[o + 2] = yy + buTab[u];
  }
}

function i420Row(d: Uint8Array, l: FrameLayout, row: number, cols: Int32Array, out: Uint8ClampedArray): void {
  const yRow = row * l.stride;
  const cRow = (row >> 1) * l.chromaStride;
  const uRow = l.uOffset + cRow;
  const vRow = l.vOffset + cRow;
  for (let k = 0, o = 0; k < cols.length; k++, o += 3) {
    const x = cols[k];
    const yy = yTab[d[yRow + x]];
    const u = d[uRow + (x >> 1)];
    const v = d[vRow + (x >> 1)];
    out[o] = yy + rvTab[v];
    out[o + 1] = yy + guTab[u] + gvTab[v];
    out[o + 2] = yy + buTab[u];
  }
}

function rgbRow(d: Uint8Array, l: FrameLayout, row: number, cols: Int32Array, out: Uint8ClampedArray): void {
  const base = row * l.stride;
  for (let k = 0, o = 0; k < cols.length; k++, o += 3) {
    const i = base + cols[k] * 3;
    out[o] = d[i];
    out[o + 1] = d[i + 1];
    out[o + 2] = d[i + 2];
  }
}

function bgrRow(d: Uint8Array, l: FrameLayout, row: number, cols: Int32Array, out: Uint8ClampedArray): void {
  const base = row * l.stride;
  for (let k = 0, o = 0; k < cols.length; k++, o += 3) {
    const i = base + cols[k] * 3;
    out[o] = d[i + 2];
    out[o + 1] = d[i + 1];
    out[o + 2] = d[i];
  }
}

function grayRow(d: Uint8Array, l: FrameLayout, row: number, cols: Int32Array, out: Uint8ClampedArray): void {
  const base = row * l.stride;
  for (let k = 0, o = 0; k < cols.length; k++, o += 3) {
    const g = d[base + cols[k]];
    out[o] = g;
    out[o + 1] = g;
    out[o + 2] = g;
  }
}

export const ROW_CONVERTERS: Readonly<Record<FrameLayout['format'], RowConverter>> = {
  NV12: nv12Row,
  I420: i420Row,
  RGB24: rgbRow,
  BGR24: bgrRow,
  GRAY8: grayRow,
};
