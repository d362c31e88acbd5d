/**
 * Static int8 quantization of a float ONNX model in QDQ form, the form ONNX
 * Runtime fuses into its integer kernels (QLinearConv, incl. depthwise;
 * QLinearAdd; uint8 Resize):
 *
 * - Conv weights: int8, symmetric (zero point 0), one scale per output
 *   channel (|w| max / 127), behind a DequantizeLinear; the bias int32 with
 *   scale input scale x weight scale, as QLinearConv takes it. weightBits 7
 *   keeps them in [-63, 63]: x64 CPUs without VNNI (AVX2) multiply
 *   uint8 x int8 with vpmaddubsw, which adds pairs into int16 and saturates
 *   at 2 x 255 x 127; 2 x 255 x 63 = 32130 always fits (ORT's reduce_range).
 * - Activations: uint8 with the committed ranges (a calibration made them;
 *   nothing is measured here), one QuantizeLinear -> DequantizeLinear pair
 *   per tensor, placed after a Conv's fused Relu/Clip so ORT drops the
 *   activation into the quantized range (zero point 0).
 * - Resize outputs share their input's scale, so the pair around it drops.
 * - `keepFloat`: tensors whose producing Conv (found back through Transpose,
 *   Relu and Clip) stays float: accuracy is kept where it is lost most, e.g.
 *   the heads whose values are read as heatmaps and offsets.
 *
 * Only Conv, Add and Resize are quantized; any other op stays float and
 * reads its inputs as they come. Same inputs, same bytes.
 */
import type OnnxProtoModule from 'onnx-proto';
import type { OnnxProto } from './onnx-builder.js';

type Node = OnnxProtoModule.onnx.INodeProto;
type Tensor = OnnxProtoModule.onnx.ITensorProto;

/** ONNX TensorProto.DataType values (onnx.proto). */
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;

/** The committed calibration: [low, high] per float tensor of the source model. */
export interface ActivationRanges {
  /** sha256 of the float model the names belong to. */
  model_sha256: string;
  /** How the ranges were measured (for the reader). */
  method?: string;
  ranges: Record<string, [number, number]>;
}

/** uint8 scale and zero point covering [lo, hi] (widened to hold 0, as ONNX requires). */
export function activationParams([lo, hi]: [number, number]): { scale: number; zeroPoint: number } {
  const low = Math.min(0, lo);
  const high = Math.max(0, hi);
  const scale = Math.fround(high > low ? (high - low) / 255 : 1);
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-low / scale)));
  return { scale, zeroPoint };
}

const floats = (t: Tensor): Float32Array => {
  if (t.dataType !== FLOAT || !t.rawData) throw new Error(`${t.name}: float32 raw data expected`);
  const raw = t.rawData;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
};
const bytes = (a: Float32Array | Int32Array | Int8Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Per-output-channel symmetric int8 weights of an OIHW (or [C,1,kh,kw]) filter, in [-qmax, qmax]. */
export function quantizeWeights(w: Float32Array, channels: number, bits: 7 | 8 = 8): { q: Int8Array; scales: Float32Array } {
  const qmax = 2 ** (bits - 1) - 1;
  const per = w.length / channels;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let k = c * per; k < (c + 1) * per; k++) max = Math.max(max, Math.abs(w[k]!));
    const s = Math.fround(max > 0 ? max / qmax : 1);
    scales[c] = s;
    for (let k = c * per; k < (c + 1) * per; k++) q[k] = Math.max(-qmax, Math.min(qmax, Math.round(w[k]! / s)));
  }
  return { q, scales };
}

export function quantizeInt8(proto: OnnxProto, source: Uint8Array, calibration: ActivationRanges, keepFloat: readonly string[], weightBits: 7 | 8 = 8): Uint8Array {
  const model = proto.onnx.ModelProto.decode(source);
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of nodes) {
    for (const o of n.output ?? []) producer.set(o, n);
    for (const i of n.input ?? []) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const only = (t: string): Node | undefined => (consumers.get(t)?.length === 1 ? consumers.get(t)![0] : undefined);

  // A Conv's result: its output, or its fused activation's when that is the only reader.
  const result = (conv: Node): string => {
    const out = conv.output![0]!;
    const next = only(out);
    return next && (next.opType === 'Relu' || next.opType === 'Clip') ? next.output![0]! : out;
  };
  const floatConvs = new Set<Node>();
  for (const name of keepFloat) {
    let n = producer.get(name);
    while (n && n.opType !== 'Conv' && ['Transpose', 'Relu', 'Clip'].includes(n.opType!)) n = producer.get(n.input![0]!);
    if (n?.opType !== 'Conv') throw new Error(`keep_float ${name}: no Conv found producing it`);
    floatConvs.add(n);
  }

  // Which tensors carry uint8 values, and their [lo, hi].
  const range = (t: string): [number, number] => {
    const r = calibration.ranges[t];
    if (!r) throw new Error(`no calibrated range for tensor ${t}`);
    return r;
  };
  const quantized = new Map<string, [number, number]>();
  const activations = (n: Node) => (n.input ?? []).filter((i) => i && !initializers.has(i));
  const quantizedConvs = new Set<Node>();
  for (const n of nodes) {
    if (n.opType === 'Conv' && !floatConvs.has(n)) {
      quantizedConvs.add(n);
      for (const t of [...activations(n), result(n)]) quantized.set(t, range(t));
    } else if (n.opType === 'Add' && activations(n).length === 2) {
      for (const t of [...activations(n), n.output![0]!]) quantized.set(t, range(t));
    }
  }
  // Resize of a quantized tensor: uint8 in and out with the same parameters (ORT drops the pair).
  for (const n of nodes) {
    const x = n.input?.[0];
    if (n.opType === 'Resize' && x && quantized.has(x)) quantized.set(n.output![0]!, quantized.get(x)!);
  }

  const newInits: Tensor[] = [];
  const constant = (name: string, dataType: number, dims: number[], data: Float32Array | Int32Array | Int8Array | Uint8Array): string => {
    newInits.push({ name, dataType, dims, rawData: bytes(data) });
    return name;
  };
  const params = new Map<string, { scale: string; zeroPoint: string; s: number }>();
  for (const [t, r] of quantized) {
    const { scale, zeroPoint } = activationParams(r);
    params.set(t, {
      scale: constant(`${t}/q_scale`, FLOAT, [], Float32Array.of(scale)),
      zeroPoint: constant(`${t}/q_zero_point`, UINT8, [], Uint8Array.of(zeroPoint)),
      s: scale,
    });
  }

  const out: Node[] = [];
  const dq = (t: string) => `${t}/dequantized`;
  const pair = (t: string) => {
    const p = params.get(t)!;
    out.push({ opType: 'QuantizeLinear', name: `${t}/quantize`, input: [t, p.scale, p.zeroPoint], output: [`${t}/quantized`] });
    out.push({ opType: 'DequantizeLinear', name: `${t}/dequantize`, input: [`${t}/quantized`, p.scale, p.zeroPoint], output: [dq(t)] });
  };
  for (const t of graph.input ?? []) if (quantized.has(t.name!)) pair(t.name!);
  for (const n of nodes) {
    // Every reader of a quantized tensor reads its dequantized copy.
    n.input = (n.input ?? []).map((i) => (quantized.has(i) ? dq(i) : i));
    if (quantizedConvs.has(n)) quantizeConvWeights(n);
    out.push(n);
    for (const o of n.output ?? []) if (quantized.has(o)) pair(o);
  }

  function quantizeConvWeights(conv: Node): void {
    const [x, wName, bName] = conv.input!;
    const w = initializers.get(wName!);
    if (!w) throw new Error(`${conv.name}: the filter must be a constant`);
    const dims = (w.dims ?? []).map(Number);
    const channels = dims[0]!;
    const { q, scales } = quantizeWeights(floats(w), channels, weightBits);
    const zeros = new Int8Array(channels);
    const wq = constant(`${wName}/int8`, INT8, dims, q);
    const ws = constant(`${wName}/scales`, FLOAT, [channels], scales);
    const wz = constant(`${wName}/zero_points`, INT8, [channels], zeros);
    out.push({ opType: 'DequantizeLinear', name: `${wName}/dequantize`, input: [wq, ws, wz], output: [`${wName}/dequantized`], attribute: [axis0()] });
    conv.input![1] = `${wName}/dequantized`;
    if (!bName) return;
    // The bias in int32 at scale (input scale x weight scale), QLinearConv's own form.
    const sx = params.get(x!.replace(/\/dequantized$/, ''))!.s;
    const b = floats(initializers.get(bName)!);
    const bs = scales.map((s) => Math.fround(sx * s));
    const bq = Int32Array.from(b, (v, c) => Math.round(v / bs[c]!));
    const bqName = constant(`${bName}/int32`, INT32, [channels], bq);
    const bsName = constant(`${bName}/scales`, FLOAT, [channels], bs);
    const bzName = constant(`${bName}/zero_points`, INT32, [channels], new Int32Array(channels));
    out.push({ opType: 'DequantizeLinear', name: `${bName}/dequantize`, input: [bqName, bsName, bzName], output: [`${bName}/dequantized`], attribute: [axis0()] });
    conv.input![2] = `${bName}/dequantized`;
  }
  function axis0() {
    return { name: 'axis', type: proto.onnx.AttributeProto.AttributeType.INT, i: 0 };
  }

  // Float weights a quantized Conv no longer reads are dropped.
  const used = new Set(out.flatMap((n) => n.input ?? []));
  graph.node = out;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => used.has(t.name!)), ...newInits];
  model.producerName = '@ruth-ai/model-runtime quantize-int8';
  model.docString = `${model.docString ?? ''}; int8 QDQ (${weightBits === 7 ? '7-bit weights, ' : ''}${calibration.method ?? 'calibrated ranges'}), float: ${keepFloat.join(', ') || 'nothing'}`;
  return proto.onnx.ModelProto.encode(model).finish();
}
