/**
 * The int8 quantizer (src/convert/quantize-int8.ts) on a small real ONNX
 * model with every op MoveNet's backbone uses (Conv + Relu, depthwise Conv,
 * a residual Add, bilinear Resize, a head Conv kept float), run by the real
 * ONNX Runtime: its optimized graph must hold integer kernels where the QDQ
 * pairs were put, the answer must stay near the float model's, and the bytes
 * must not change from one run to the next.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Ort from 'onnxruntime-node';
import { FLOAT, OnnxBuilder, type OnnxProto } from '../src/convert/onnx-builder.js';
import { quantizeInt8, type ActivationRanges } from '../src/convert/quantize-int8.js';

const require = createRequire(import.meta.url);
const proto = require('onnx-proto') as OnnxProto;
const ort = require('onnxruntime-node') as typeof Ort;

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1);
}

/** x [1,3,8,8] -> Conv3x3+Relu (8) -> depthwise 3x3 -> Conv1x1 -> + Relu output -> Resize x2 -> head Conv1x1 (2). */
function tinyModel(probe: boolean): { bytes: Uint8Array; tensors: string[] } {
  const b = new OnnxBuilder(proto);
  const conv = (x: string, o: number, i: number, k: number, group: number, bias: boolean) => {
    const inputs = [x, b.constant('w', [o, i, k, k], values(o * i * k * k, o + i + k))];
    if (bias) inputs.push(b.constant('b', [o], values(o, 7).map((v) => v / 4)));
    return b.node('Conv', inputs, { kernel_shape: [k, k], strides: [1, 1], group, auto_pad: 'SAME_UPPER' });
  };
  const relu = b.node('Relu', [conv('x', 8, 3, 3, 1, true)]);
  const depthwise = conv(relu, 8, 1, 3, 8, false);
  const project = conv(depthwise, 8, 8, 1, 1, true);
  const add = b.node('Add', [project, relu]);
  const up = b.node('Resize', [add, '', b.constant('scales', [4], [1, 1, 2, 2])], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
  const head = b.node('Conv', [up, b.constant('w', [2, 8, 1, 1], values(16, 3)), b.constant('b', [2], [0.1, -0.1])], { kernel_shape: [1, 1], strides: [1, 1], group: 1 }, 'out');
  const tensors = ['x', relu, depthwise, project, add, up];
  const io = (name: string) => ({ name, elemType: FLOAT, dims: ['n', 'c', 'h', 'w'] });
  const outputs = probe ? [head, ...tensors.slice(1)].map(io) : [{ name: head, elemType: FLOAT, dims: [1, 2, 16, 16] }];
  return { bytes: b.encode([{ name: 'x', elemType: FLOAT, dims: [1, 3, 8, 8] }], outputs, 13, 'test'), tensors };
}

const input = () => new ort.Tensor('float32', Float32Array.from(values(192, 42), (v) => v * 2), [1, 3, 8, 8]);

async function run(bytes: Uint8Array, optimizedPath?: string): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, ...(optimizedPath ? { optimizedModelFilePath: optimizedPath } : {}) });
  try {
    const out = await session.run({ x: input() });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** Min/max of every activation on the test input: the calibration, in small. */
async function calibrate(): Promise<ActivationRanges> {
  const { bytes, tensors } = tinyModel(true);
  const out = await run(bytes);
  const data = (t: string) => (t === 'x' ? (input().data as Float32Array) : out[t]!);
  const ranges = Object.fromEntries(tensors.map((t) => [t, [Math.min(...data(t)), Math.max(...data(t))] as [number, number]]));
  return { model_sha256: 'not checked here', ranges };
}

describe('quantizeInt8', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruth-quantize-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts Conv, depthwise Conv and Add on ONNX Runtime integer kernels, keeps the listed head float, stays near the float answer', async () => {
    const { bytes } = tinyModel(false);
    const ranges = await calibrate();
    const q = quantizeInt8(proto, bytes, ranges, ['out']);
    expect(Buffer.from(quantizeInt8(proto, bytes, ranges, ['out'])).equals(Buffer.from(q))).toBe(true);

    const optimized = path.join(dir, 'optimized.onnx');
    const got = (await run(q, optimized)).out!;
    const ref = (await run(bytes)).out!;
    const ops = proto.onnx.ModelProto.decode(readFileSync(optimized)).graph!.node!.map((n) => n.opType!);
    expect(ops.filter((o) => o === 'QLinearConv')).toHaveLength(3);
    expect(ops.filter((o) => o === 'QLinearAdd')).toHaveLength(1);
    expect(ops.filter((o) => o === 'Conv' || o === 'FusedConv')).toHaveLength(1); // the kept head
    expect(ops).not.toContain('Relu'); // folded into the uint8 range (zero point 0)

    const span = Math.max(...ref) - Math.min(...ref);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - got[i]!));
    expect(worst).toBeGreaterThan(0); // really quantized
    expect(worst).toBeLessThan(0.05 * span);
  });

  it('weightBits 7 keeps every Conv weight in [-63, 63] (no int16 saturation on CPUs without VNNI), still on integer kernels and near the float answer', async () => {
    const { bytes } = tinyModel(false);
    const ranges = await calibrate();
    const largest = (q: Uint8Array) => {
      const inits = proto.onnx.ModelProto.decode(q).graph!.initializer!.filter((t) => t.dataType === 3 && t.name!.endsWith('/int8'));
      expect(inits).toHaveLength(3);
      return Math.max(...inits.flatMap((t) => Array.from(new Int8Array(t.rawData!.buffer.slice(t.rawData!.byteOffset, t.rawData!.byteOffset + t.rawData!.byteLength)), Math.abs)));
    };
    const q7 = quantizeInt8(proto, bytes, ranges, ['out'], 7);
    expect(largest(quantizeInt8(proto, bytes, ranges, ['out']))).toBe(127);
    expect(largest(q7)).toBe(63); // each channel's largest weight maps to 63

    const optimized = path.join(dir, 'optimized7.onnx');
    const got = (await run(q7, optimized)).out!;
    const ref = (await run(bytes)).out!;
    const ops = proto.onnx.ModelProto.decode(readFileSync(optimized)).graph!.node!.map((n) => n.opType!);
    expect(ops.filter((o) => o === 'QLinearConv')).toHaveLength(3);
    const span = Math.max(...ref) - Math.min(...ref);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - got[i]!));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.05 * span);
  });

  it('fails naming a tensor it must quantize that has no range, and a kept tensor no Conv produces', async () => {
    const { bytes, tensors } = tinyModel(false);
    const ranges = await calibrate();
    const project = tensors[3]!;
    const lacking = { ...ranges, ranges: Object.fromEntries(Object.entries(ranges.ranges).filter(([t]) => t !== project)) };
    expect(() => quantizeInt8(proto, bytes, lacking, ['out'])).toThrow(`no calibrated range for tensor ${project}`);
    expect(() => quantizeInt8(proto, bytes, ranges, ['x'])).toThrow('keep_float x: no Conv found producing it');
  });
});
