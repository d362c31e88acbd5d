/**
 * Translates the convolutional part of a TF.js graph model (a TF GraphDef:
 * NHWC, fused conv/bias/activation nodes) into ONNX (NCHW), from the graph's
 * input up to the named output nodes. Only the ops a MobileNet-style
 * backbone with an FPN and 1x1/3x3 heads uses are handled; any other op on
 * the way is an error that names it, never a silent guess.
 *
 * Layout: TF's 4-D tensors are NHWC. Convolutions run NCHW in ONNX, so each
 * value remembers its layout; an NHWC value is transposed once when a
 * convolution first needs it, per-channel constants of an elementwise op on
 * an NCHW value are reshaped to [1, C, 1, 1], and the outputs are transposed
 * back to NHWC so they equal the TF tensors of the same name.
 */
import { FLOAT, INT32, OnnxBuilder, type OnnxProto } from './onnx-builder.js';
import type { ConstTensor, TfAttr, TfGraph, TfNode } from './tfjs-weights.js';

type Layout = 'nhwc' | 'nchw';
type Value = { kind: 'tensor'; name: string; layout: Layout } | { kind: 'const'; tensor: ConstTensor; node: string };

export interface Converted {
  /** The ONNX model's bytes. */
  bytes: Uint8Array;
  /** The input's name (the TF Placeholder's) and the outputs' names (the TF nodes'). */
  input: string;
  outputs: string[];
}

const text = (a: TfAttr | undefined): string => (a?.s === undefined ? '' : Buffer.from(a.s, 'base64').toString('utf8'));
const ints = (a: TfAttr | undefined): number[] => (a?.list?.i ?? []).map(Number);
const strings = (a: TfAttr | undefined): string[] => (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
const nodeName = (input: string): string => input.replace(/^\^/, '').replace(/:0$/, '');

/** A 4-D constant with its axes reordered: out axis i is input axis perm[i]. */
function permute(t: ConstTensor, perm: [number, number, number, number]): ConstTensor {
  const dims = t.dims as [number, number, number, number];
  const stride = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  const out = perm.map((a) => dims[a]!) as [number, number, number, number];
  const data = new Float32Array(t.data.length);
  let k = 0;
  for (let a = 0; a < out[0]; a++)
    for (let b = 0; b < out[1]; b++)
      for (let c = 0; c < out[2]; c++)
        for (let d = 0; d < out[3]; d++) data[k++] = t.data[a * stride[perm[0]]! + b * stride[perm[1]]! + c * stride[perm[2]]! + d * stride[perm[3]]!]!;
  return { dims: out, data };
}

/** HWIO (TF Conv2D filter) -> OIHW. */
const convFilter = (t: ConstTensor): ConstTensor => permute(t, [3, 2, 0, 1]);

/** [kh, kw, C, M] (TF depthwise filter) -> [C*M, 1, kh, kw] for a grouped conv. */
function depthwiseFilter(t: ConstTensor): ConstTensor {
  const [kh, kw, c, m] = t.dims as [number, number, number, number];
  return { dims: [c * m, 1, kh, kw], data: permute(t, [2, 3, 0, 1]).data };
}

export function tfGraphToOnnx(proto: OnnxProto, graph: TfGraph, outputNodes: string[]): Converted {
  const nodes = new Map(graph.nodes.map((n) => [n.name, n]));
  const weights = graph.constants;
  const b = new OnnxBuilder(proto);
  const values = new Map<string, Value>();
  let inputName = '';
  let bounds: [string, string] | undefined;
  const relu6Bounds = (): [string, string] => (bounds ??= [b.constant('relu6_min', [], [0]), b.constant('relu6_max', [], [6])]);

  const nchw = (v: Value): string => {
    if (v.kind === 'const') throw new Error(`${v.node}: a constant where a feature map is expected`);
    return v.layout === 'nchw' ? v.name : b.node('Transpose', [v.name], { perm: [0, 3, 1, 2] });
  };

  /** A constant operand of an elementwise op whose other operand has `layout`. */
  const operand = (c: Value & { kind: 'const' }, layout: Layout): string => {
    const n = c.tensor.data.length;
    const isInt = c.tensor.data instanceof Int32Array;
    const type = isInt ? INT32 : FLOAT;
    if (n === 1) return b.constant(c.node, [], c.tensor.data, type);
    const channelsLast = c.tensor.dims.slice(0, -1).every((d) => d === 1);
    if (!channelsLast) throw new Error(`${c.node}: elementwise constant of shape [${c.tensor.dims}] is not per-channel`);
    return b.constant(c.node, layout === 'nchw' ? [1, n, 1, 1] : [n], c.tensor.data, type);
  };

  const get = (input: string): Value => {
    const name = nodeName(input);
    const cached = values.get(name);
    if (cached) return cached;
    const node = nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    const value = convert(node);
    values.set(name, value);
    return value;
  };

  const conv = (node: TfNode, depthwise: boolean): Value => {
    const [x, f, bias] = (node.input ?? []).map(get);
    if (!x || f?.kind !== 'const') throw new Error(`${node.name}: filter must be a constant`);
    const a = node.attr ?? {};
    if (text(a.data_format) !== 'NHWC') throw new Error(`${node.name}: data_format ${text(a.data_format)}`);
    const dil = ints(a.dilations);
    if (dil.some((d) => d !== 1)) throw new Error(`${node.name}: dilations ${dil}`);
    const fused = strings(a.fused_ops);
    const padding = text(a.padding);
    if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${node.name}: padding ${padding}`);
    const filter = depthwise ? depthwiseFilter(f.tensor) : convFilter(f.tensor);
    const [, , kh, kw] = filter.dims as [number, number, number, number];
    const strides = ints(a.strides);
    const inputs = [nchw(x), b.constant(`${node.name}/filter`, filter.dims, filter.data)];
    const fusedBias = fused[0] === 'BiasAdd';
    if (fusedBias) {
      if (bias?.kind !== 'const') throw new Error(`${node.name}: fused bias must be a constant`);
      inputs.push(b.constant(`${node.name}/bias`, [bias.tensor.data.length], bias.tensor.data));
    } else if (fused.length > 0) {
      throw new Error(`${node.name}: fused ops ${fused} (BiasAdd first expected)`);
    }
    const attrs: Record<string, number | number[] | string> = {
      kernel_shape: [kh, kw],
      strides: [strides[1]!, strides[2]!],
      group: depthwise ? (f.tensor.dims[2] as number) : 1,
    };
    // TF's SAME puts the odd padding pixel after, as SAME_UPPER does.
    if (padding === 'SAME') attrs.auto_pad = 'SAME_UPPER';
    else attrs.pads = [0, 0, 0, 0];
    let out = b.node('Conv', inputs, attrs);
    for (const act of fused.slice(1)) {
      if (act === 'Relu') out = b.node('Relu', [out]);
      else if (act === 'Relu6') out = b.node('Clip', [out, ...relu6Bounds()]);
      else throw new Error(`${node.name}: fused activation ${act}`);
    }
    return { kind: 'tensor', name: out, layout: 'nchw' };
  };

  const elementwise = (node: TfNode, op: string): Value => {
    const [x, y] = (node.input ?? []).map(get) as [Value, Value];
    if (x.kind === 'const' && y.kind === 'const') throw new Error(`${node.name}: constant folding is not supported`);
    const layout = x.kind === 'tensor' ? x.layout : (y as { layout: Layout }).layout;
    const side = (v: Value): string => (v.kind === 'const' ? operand(v, layout) : layout === 'nchw' ? nchw(v) : v.name);
    if (x.kind === 'tensor' && y.kind === 'tensor' && x.layout !== y.layout) {
      return { kind: 'tensor', name: b.node(op, [nchw(x), nchw(y)]), layout: 'nchw' };
    }
    return { kind: 'tensor', name: b.node(op, [side(x), side(y)]), layout };
  };

  /** ResizeBilinear whose size is (the input's own H, W) x constant factors, as Keras UpSampling2D builds it. */
  const resize = (node: TfNode): Value => {
    const [xIn, sizeIn] = node.input ?? [];
    const x = get(xIn!);
    const a = node.attr ?? {};
    if (a.align_corners?.b || !a.half_pixel_centers?.b) throw new Error(`${node.name}: only half_pixel_centers resizing is supported`);
    const mul = nodes.get(nodeName(sizeIn!));
    const slice = mul?.op === 'Mul' ? nodes.get(nodeName(mul.input![0]!)) : undefined;
    const shape = slice?.op === 'StridedSlice' ? nodes.get(nodeName(slice.input![0]!)) : undefined;
    const factor = mul ? weights.get(nodeName(mul.input![1]!)) : undefined;
    if (shape?.op !== 'Shape' || nodeName(shape.input![0]!) !== nodeName(xIn!) || !factor || factor.data.length !== 2) {
      throw new Error(`${node.name}: size must be the input's own height and width times constants`);
    }
    const scales = b.constant(`${node.name}/scales`, [4], [1, 1, factor.data[0]!, factor.data[1]!]);
    const out = b.node('Resize', [nchw(x), '', scales], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
    return { kind: 'tensor', name: out, layout: 'nchw' };
  };

  const convert = (node: TfNode): Value => {
    switch (node.op) {
      case 'Const': {
        const tensor = weights.get(node.name);
        if (!tensor) throw new Error(`${node.name}: constant without weights`);
        return { kind: 'const', tensor, node: node.name };
      }
      case 'Placeholder':
        if (inputName) throw new Error('only one graph input is supported');
        inputName = node.name;
        return { kind: 'tensor', name: node.name, layout: 'nhwc' };
      case 'Cast': {
        const to = node.attr?.DstT?.type;
        if (to !== 'DT_FLOAT') throw new Error(`${node.name}: Cast to ${to}`);
        const x = get(node.input![0]!);
        if (x.kind !== 'tensor') throw new Error(`${node.name}: Cast of a constant`);
        return { kind: 'tensor', name: b.node('Cast', [x.name], { to: FLOAT }), layout: x.layout };
      }
      case 'Sub':
        return elementwise(node, 'Sub');
      case 'Mul':
        return elementwise(node, 'Mul');
      case 'AddV2':
        return elementwise(node, 'Add');
      case 'RealDiv':
        return elementwise(node, 'Div');
      case '_FusedConv2D':
        return conv(node, false);
      case 'FusedDepthwiseConv2dNative':
      case 'DepthwiseConv2dNative':
        return conv(node, true);
      case 'ResizeBilinear':
        return resize(node);
      default:
        throw new Error(`${node.name}: op ${node.op} is not supported`);
    }
  };

  const outputs = outputNodes.map((name) => {
    const v = get(name);
    if (v.kind !== 'tensor') throw new Error(`${name}: an output must not be a constant`);
    return b.node('Transpose', [nchw(v)], { perm: [0, 2, 3, 1] }, name);
  });
  if (!inputName) throw new Error('the outputs do not depend on the graph input');
  const bytes = b.encode(
    [{ name: inputName, elemType: INT32, dims: [1, 'height', 'width', 3] }],
    outputs.map((name) => ({ name, elemType: FLOAT, dims: [1, 'out_height', 'out_width', `${name}_channels`] })),
    13,
    `converted from a TF.js graph model, up to ${outputNodes.join(', ')}`,
  );
  return { bytes, input: inputName, outputs };
}
