/**
 * The YUV nearest path (yuv-nearest.ts) with WebAssembly SIMD
 * (yuv-nearest.wat, assembled next to this file by the runtime's build), for
 * the common case: the output columns sample the source at a fixed step of
 * at most a few pixels (1920x1080 -> 640x360 is every third pixel of every
 * third row), so 4 pixels are one 16-byte load and one swizzle per plane.
 *
 * Per output row: copy the row's sampled span of Y and chroma bytes into the
 * module's memory (a few KB), run the kernel, copy the finished row into the
 * tensor. The module's memory stays small whatever the frame size, and the
 * tensor stays a plain array the handler owns.
 *
 * Returns false (and writes nothing) when the kernel does not apply: columns
 * not at one fixed step, a step too wide for one load, or no .wasm next to
 * this file (running from the TypeScript sources without a build).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { InputSpec } from '../config/model-config.js';
import type { Frame } from '../frames/read-frame.js';
import type { ResizePlan } from './resize-plan.js';
import { BT601 } from './row-convert.js';

// The WebAssembly globals used here (the project compiles without the DOM library, which declares them).
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };
interface Memory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface Kernel {
  memory: Memory;
  row(y: number, u: number, v: number, out: number, groups: number, ystep: number, cstep: number, plane: number): void;
}

const WASM = new URL('./yuv-nearest.wasm', import.meta.url);
// Where the caller's data starts (the .wat's constants end at 304).
const DATA = 304;
// Past the last 4-pixel step, a 16-byte load may reach up to 15 bytes further.
const SLACK = 16;

let kernel: Kernel | null | undefined;

/** The kernel of this thread, instantiated on first use; null without a .wasm. */
function load(): Kernel | null {
  if (kernel === undefined) {
    kernel = existsSync(WASM) ? (new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM))).exports as unknown as Kernel) : null;
  }
  return kernel;
}

/** Which implementation 1080p frames take in this thread: for benches and tests. */
export function yuvKernelName(): 'wasm-simd' | 'js' {
  return load() ? 'wasm-simd' : 'js';
}

/** The fixed step of the sampled columns, or 0 if they have none. */
function fixedStep(xs: Int32Array): number {
  const step = xs.length > 1 ? xs[1]! - xs[0]! : 1;
  for (let j = 2; j < xs.length; j++) if (xs[j]! - xs[j - 1]! !== step) return 0;
  return step;
}

/** A swizzle mask: byte offsets (each < 16) into the low byte of four 32-bit lanes. */
function mask(offsets: number[]): Uint8Array | null {
  const m = new Uint8Array(16).fill(0x80);
  for (let i = 0; i < 4; i++) {
    if (offsets[i]! > 15) return null;
    m[i * 4] = offsets[i]!;
  }
  return m;
}

export function yuvNearestWasm(frame: Frame, spec: InputSpec, plan: ResizePlan, scale: Float64Array, offset: Float64Array, out: Float32Array | Uint8ClampedArray): boolean {
  const k = load();
  if (!k) return false;
  const l = frame.layout;
  const nv12 = l.format === 'NV12';
  const cw = plan.contentW;
  const xs = new Int32Array(cw);
  for (let j = 0; j < cw; j++) xs[j] = plan.cols[plan.left[j]!]!;
  const step = fixedStep(xs);
  if (step <= 0) return false;
  const x0 = xs[0]!;
  // Chroma byte of a source column, relative to that of x0: NV12 pairs (U, then V), I420 halves.
  const chroma = (x: number): number => (nv12 ? x & ~1 : x >> 1);
  const rel = [0, 1, 2, 3].map((i) => chroma(x0 + i * step) - chroma(x0));
  const masks = [mask([0, 1, 2, 3].map((i) => i * step)), mask(rel), mask(nv12 ? rel.map((r) => r + 1) : rel)];
  if (masks.some((m) => m === null)) return false;

  const groups = Math.ceil(cw / 4);
  // Y and chroma bytes one output row reads (whole steps), and the output row's floats.
  const ySpan = groups * 4 * step + SLACK;
  const cSpan = chroma(x0 + groups * 4 * step) - chroma(x0) + 2 + SLACK;
  const yAt = DATA;
  const uAt = yAt + ySpan;
  const vAt = nv12 ? uAt : uAt + cSpan;
  const outAt = (vAt + cSpan + 15) & ~15;
  const nchw = spec.layout === 'nchw';
  const planeBytes = groups * 16;
  grow(k.memory, outAt + groups * 48);
  const mem = new Uint8Array(k.memory.buffer);
  masks.forEach((m, i) => mem.set(m!, i * 16));
  constants(new Float32Array(k.memory.buffer, 48, 64), spec, scale, offset);
  const row = new Float32Array(k.memory.buffer, outAt, groups * 12);

  const d = frame.data;
  const yEnd = l.byteLength;
  const W = spec.width;
  const planeSize = W * spec.height;
  const { padX, padY } = plan.geometry;
  const vDelta = nv12 ? 1 : l.vOffset - l.uOffset;
  const c0 = chroma(x0);
  for (let i = 0; i < plan.contentH; i++) {
    const srcRow = plan.top[i]!;
    const y = srcRow * l.stride + x0;
    const u = l.uOffset + (srcRow >> 1) * l.chromaStride + c0;
    mem.set(d.subarray(y, Math.min(y + ySpan, yEnd)), yAt);
    mem.set(d.subarray(u, Math.min(u + cSpan, yEnd)), uAt);
    if (!nv12) mem.set(d.subarray(u + vDelta, Math.min(u + vDelta + cSpan, yEnd)), vAt);
    k.row(yAt, uAt, vAt, outAt, groups, 4 * step, nv12 ? 4 * step : 2 * step, nchw ? planeBytes : 0);
    const o = (padY + i) * W + padX;
    if (nchw) {
      for (let c = 0; c < 3; c++) out.set(row.subarray(c * groups * 4, c * groups * 4 + cw), c * planeSize + o);
    } else {
      out.set(row.subarray(0, cw * 3), o * 3);
    }
  }
  return true;
}

function grow(memory: Memory, bytes: number): void {
  const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
  if (pages > 0) memory.grow(pages);
}

/** CY, then per output channel CU, CV, K, S, A (see the .wat), each as four equal lanes. */
function constants(f: Float32Array, spec: InputSpec, scale: Float64Array, offset: Float64Array): void {
  const splat = (at: number, value: number): void => {
    f.fill(value, at, at + 4);
  };
  // Per RGB channel: the U and V coefficients (BT.601).
  const uv: Record<'r' | 'g' | 'b', [number, number]> = { r: [0, BT601.rv], g: [BT601.gu, BT601.gv], b: [BT601.bu, 0] };
  const order = spec.channel_order === 'bgr' ? (['b', 'g', 'r'] as const) : (['r', 'g', 'b'] as const);
  splat(0, BT601.y);
  order.forEach((name, c) => {
    const [cu, cv] = uv[name];
    const at = 4 + 20 * c;
    splat(at, cu);
    splat(at + 4, cv);
    // Y*CY + U*CU + V*CV + K = the level, with Y-16, U-128, V-128 folded into K.
    splat(at + 8, -16 * BT601.y - 128 * cu - 128 * cv);
    splat(at + 12, scale[c]!);
    splat(at + 16, offset[c]!);
  });
}
