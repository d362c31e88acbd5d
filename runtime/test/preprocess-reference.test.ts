/**
 * preprocess() against a plain per-pixel reference written here with float
 * math: decode each source pixel to RGB (BT.601 studio swing, chroma of its
 * 2x2 block), clamp, then bilinear-sample at pixel centres, then normalise.
 * Every output value must be within ±2 levels.
 */
import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../src/config/model-config.js';
import { encodeFrame } from '../src/frames/encode.js';
import { frameLayout, type FrameLayout } from '../src/frames/layout.js';
import { preprocess as sourcePreprocess, syntheticInput } from '../src/preprocess/preprocess.js';
import { releaseInput } from '../src/preprocess/tensor-pool.js';
import { yuvKernelName as sourceKernel } from '../src/preprocess/yuv-nearest-wasm.js';
import { preprocess as builtPreprocess, releaseInput as builtRelease } from '@ruth-ai/model-runtime';
import { yuvKernelName as builtKernel } from '@ruth-ai/model-runtime/testing';

// Each case runs through both YUV kernels of the nearest path: the sources
// have no .wasm next to them (the build assembles it into dist), so they take
// the JavaScript one; the built package takes WebAssembly SIMD.
const kernels = [
  { kernel: 'js', preprocess: sourcePreprocess, release: releaseInput, name: sourceKernel },
  { kernel: 'wasm-simd', preprocess: builtPreprocess, release: builtRelease, name: builtKernel },
];
const preprocess = sourcePreprocess;

function testImage(w: number, h: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      // Gradients, a hard-edged block and noise: smooth areas and sharp colour edges.
      const inBlock = x > w / 3 && x < (2 * w) / 3 && y > h / 4 && y < h / 2;
      rgb[i] = inBlock ? 250 : Math.min(255, (x * 255) / w + (rnd() & 15));
      rgb[i + 1] = inBlock ? 10 : Math.min(255, (y * 255) / h + (rnd() & 15));
      rgb[i + 2] = inBlock ? 40 : rnd();
    }
  }
  return rgb;
}

/** Reference decode of one pixel to clamped, rounded RGB. */
function refPixel(d: Uint8Array, l: FrameLayout, x: number, y: number): [number, number, number] {
  const clamp = (v: number): number => Math.round(Math.min(255, Math.max(0, v)));
  const yuv = (Y: number, U: number, V: number): [number, number, number] => [
    clamp(1.164383 * (Y - 16) + 1.596027 * (V - 128)),
    clamp(1.164383 * (Y - 16) - 0.391762 * (U - 128) - 0.812968 * (V - 128)),
    clamp(1.164383 * (Y - 16) + 2.017232 * (U - 128)),
  ];
  const cx = Math.floor(x / 2);
  const cy = Math.floor(y / 2);
  switch (l.format) {
    case 'NV12':
      return yuv(d[y * l.stride + x], d[l.uOffset + cy * l.stride + 2 * cx], d[l.uOffset + cy * l.stride + 2 * cx + 1]);
    case 'I420': {
      const cs = Math.ceil(l.stride / 2);
      return yuv(d[y * l.stride + x], d[l.stride * l.height + cy * cs + cx], d[l.stride * l.height + (cs * l.height) / 2 + cy * cs + cx]);
    }
    case 'RGB24':
      return [d[y * l.stride + 3 * x], d[y * l.stride + 3 * x + 1], d[y * l.stride + 3 * x + 2]];
    case 'BGR24':
      return [d[y * l.stride + 3 * x + 2], d[y * l.stride + 3 * x + 1], d[y * l.stride + 3 * x]];
    case 'GRAY8':
      return [d[y * l.stride + x], d[y * l.stride + x], d[y * l.stride + x]];
  }
}

/** Reference tensor, as levels 0..255 per output channel, NHWC. */
function reference(d: Uint8Array, l: FrameLayout, spec: InputSpec): Float64Array {
  const { width: W, height: H } = spec;
  let sx = W / l.width;
  let sy = H / l.height;
  let cw = W;
  let ch = H;
  let px = 0;
  let py = 0;
  if (spec.resize === 'letterbox') {
    sx = sy = Math.min(W / l.width, H / l.height);
    cw = Math.round(l.width * sx);
    ch = Math.round(l.height * sy);
    px = Math.floor((W - cw) / 2);
    py = Math.floor((H - ch) / 2);
  }
  const out = new Float64Array(W * H * 3);
  for (let oy = 0; oy < H; oy++) {
    for (let ox = 0; ox < W; ox++) {
      let rgb = [spec.pad_value, spec.pad_value, spec.pad_value];
      if (ox >= px && ox < px + cw && oy >= py && oy < py + ch) {
        const fx = Math.min(l.width - 1, Math.max(0, (ox - px + 0.5) / sx - 0.5));
        const fy = Math.min(l.height - 1, Math.max(0, (oy - py + 0.5) / sy - 0.5));
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const x1 = Math.min(x0 + 1, l.width - 1);
        const y1 = Math.min(y0 + 1, l.height - 1);
        const ax = fx - x0;
        const ay = fy - y0;
        const p00 = refPixel(d, l, x0, y0);
        const p10 = refPixel(d, l, x1, y0);
        const p01 = refPixel(d, l, x0, y1);
        const p11 = refPixel(d, l, x1, y1);
        rgb = [0, 1, 2].map((c) => (p00[c] * (1 - ax) + p10[c] * ax) * (1 - ay) + (p01[c] * (1 - ax) + p11[c] * ax) * ay);
      }
      const ordered = spec.channel_order === 'bgr' ? [rgb[2], rgb[1], rgb[0]] : rgb;
      out.set(ordered, (oy * W + ox) * 3);
    }
  }
  return out;
}

/** The tensor's values as levels 0..255, NHWC, undoing mean/std and layout. */
function levels(t: ReturnType<typeof preprocess>, spec: InputSpec): Float64Array {
  const { width: W, height: H } = spec;
  const out = new Float64Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const v = spec.layout === 'nchw' ? t.data[c * W * H + y * W + x] : t.data[(y * W + x) * 3 + c];
        out[(y * W + x) * 3 + c] = spec.dtype === 'float32' ? (v * spec.std[c] + spec.mean[c]) * 255 : v;
      }
    }
  }
  return out;
}

const base: InputSpec = { width: 64, height: 48, resize: 'letterbox', dtype: 'float32', layout: 'nhwc', channel_order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], pad_value: 114 };
const imagenet = { mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };

const cases: [string, number, number, number | undefined, Partial<InputSpec>][] = [];
for (const format of ['NV12', 'I420', 'RGB24', 'BGR24', 'GRAY8']) {
  cases.push([format, 100, 60, undefined, {}]);
  cases.push([format, 100, 60, undefined, { resize: 'stretch', layout: 'nchw', dtype: 'uint8' }]);
  cases.push([format, 38, 30, undefined, { width: 97, height: 71, resize: 'stretch', channel_order: 'bgr', ...imagenet }]); // upscale, odd factors
  cases.push([format, 120, 90, format === 'RGB24' || format === 'BGR24' ? 120 * 3 + 7 : 136, { width: 50, height: 50, layout: 'nchw', channel_order: 'bgr', dtype: 'uint8', pad_value: 0 }]);
}
cases.push(['NV12', 192, 108, undefined, { width: 64, height: 64 }]); // integer ratio 1/3: zero-weight taps skipped
cases.push(['NV12', 192, 108, 200, { width: 64, height: 64, channel_order: 'bgr', ...imagenet }]);
cases.push(['I420', 192, 108, undefined, { width: 64, height: 64, layout: 'nchw', dtype: 'uint8', channel_order: 'bgr' }]);
cases.push(['NV12', 64, 48, undefined, {}]); // identity size
// Whole-pixel sampling (every weight 0) takes the nearest path: each format, each layout.
for (const format of ['I420', 'RGB24', 'BGR24', 'GRAY8']) cases.push([format, 192, 108, undefined, { width: 64, height: 64, layout: 'nchw', ...imagenet }]);
cases.push(['RGB24', 192, 144, undefined, { width: 64, height: 48, channel_order: 'bgr', dtype: 'uint8' }]); // 1/3 again, nhwc uint8
// YUV at whole-pixel steps of 3 and 5 (the SIMD kernel's 4-pixel steps, and a tail of 2), and of 7 (too wide for its 16-byte loads: the JS kernel).
cases.push(['NV12', 150, 90, undefined, { width: 50, height: 50, channel_order: 'bgr' }]);
cases.push(['NV12', 250, 150, undefined, { width: 50, height: 50, layout: 'nchw' }]);
cases.push(['I420', 250, 150, 256, { width: 50, height: 50, dtype: 'uint8', ...imagenet }]);
cases.push(['NV12', 350, 210, undefined, { width: 50, height: 50 }]);
// Tensors big enough to be pooled (tensor-pool.ts): the second run of a case writes into the first one's memory.
cases.push(['NV12', 960, 540, undefined, { width: 320, height: 320 }]);
cases.push(['I420', 960, 540, undefined, { width: 320, height: 320, layout: 'nchw', channel_order: 'bgr', ...imagenet }]);

/** The largest difference, in levels, between a tensor and the reference. */
function worstDifference(tensor: ReturnType<typeof preprocess>, data: Uint8Array, layout: FrameLayout, spec: InputSpec): { worst: number; at: number } {
  const got = levels(tensor, spec);
  const want = reference(data, layout, spec);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d > worst) [worst, at] = [d, i];
  }
  return { worst, at };
}

function frameOf(format: string, w: number, h: number, stride: number | undefined, seed: number): { layout: FrameLayout; data: Uint8Array } {
  const data = encodeFrame(testImage(w, h, seed), w, h, format, stride);
  const layout = frameLayout(format, w, h, stride);
  // Padding bytes hold garbage: a reader that ignores the stride would see it.
  if (stride !== undefined) for (let y = 0; y < h; y++) data.fill(0xa5, y * stride + (layout.format.endsWith('24') ? 3 * w : w), (y + 1) * stride);
  return { layout, data };
}

describe.each(kernels)('preprocess ($kernel YUV kernel) vs a per-pixel reference', ({ kernel, preprocess, release, name }) => {
  it('takes the kernel it is named after', () => {
    expect(name()).toBe(kernel);
  });

  it.each(cases)('%s %ix%i stride %s → %o', (format, w, h, stride, over) => {
    const spec: InputSpec = { ...base, ...over };
    // Twice, releasing the first tensor: a pooled one's memory (not cleared
    // in between) is what the second is written into.
    for (const seed of [w * h, w * h + 1]) {
      const { layout, data } = frameOf(format, w, h, stride, seed);
      const tensor = preprocess({ layout, data }, spec);
      expect(tensor.shape).toEqual(spec.layout === 'nchw' ? [1, 3, spec.height, spec.width] : [1, spec.height, spec.width, 3]);
      expect(tensor.data).toBeInstanceOf(spec.dtype === 'float32' ? Float32Array : Uint8Array);
      const { worst, at } = worstDifference(tensor, data, layout, spec);
      expect(worst, `worst difference ${worst.toFixed(3)} at value ${at}`).toBeLessThanOrEqual(2);
      const bytes = tensor.data.byteLength;
      release(tensor);
      expect(tensor.data.length).toBe(bytes >= 256 * 1024 ? 0 : spec.width * spec.height * 3);
    }
  });
});

describe('preprocess', () => {

  it('fills the letterbox padding with pad_value and reports the geometry', () => {
    const data = encodeFrame(testImage(100, 50, 1), 100, 50, 'RGB24');
    const t = preprocess({ layout: frameLayout('RGB24', 100, 50), data }, { ...base, width: 40, height: 40, dtype: 'uint8' });
    expect(t.geometry).toMatchObject({ frameWidth: 100, frameHeight: 50, inputWidth: 40, inputHeight: 40, scaleX: 0.4, scaleY: 0.4, padX: 0, padY: 10 });
    expect(Array.from(t.data.subarray(0, 40 * 10 * 3)).every((v) => v === 114)).toBe(true);
    expect(Array.from(t.data.subarray(40 * 30 * 3)).every((v) => v === 114)).toBe(true);
  });

  it('releaseInput empties the released tensor and leaves every other array alone', () => {
    const { layout, data } = frameOf('NV12', 960, 540, undefined, 1);
    const spec = { ...base, width: 320, height: 320 };
    const first = preprocess({ layout, data }, spec);
    const copy = Float32Array.from(first.data);
    const own = { ...first, data: new Float32Array(4) };
    releaseInput(own); // not made by preprocess: untouched
    expect(own.data.length).toBe(4);
    const small = preprocess({ layout, data }, { ...base, width: 64, height: 64 });
    releaseInput(small); // under 256 KB: not pooled, left as it is
    expect(small.data.length).toBe(64 * 64 * 3);
    releaseInput(first);
    releaseInput(first); // twice: harmless
    expect(first.data.length).toBe(0);
    // The next tensor of that size reuses the memory, and holds the same values.
    expect(Array.from(preprocess({ layout, data }, spec).data)).toEqual(Array.from(copy));
  });

  it('syntheticInput has the spec shape and finite values', () => {
    const t = syntheticInput({ ...base, layout: 'nchw', ...imagenet });
    expect(t.shape).toEqual([1, 3, 48, 64]);
    expect(t.data.length).toBe(3 * 48 * 64);
    expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
    expect(new Set(t.data).size).toBeGreaterThan(100);
    expect(t.geometry).toMatchObject({ frameWidth: 64, frameHeight: 48, scaleX: 1, padX: 0, padY: 0 });
  });
});
