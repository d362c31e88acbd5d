/**
 * The nodes and constants of a TF.js graph model (model.json's topology and
 * weight manifest, the .bin shards read by readGraphModelArtifacts), decoded
 * the way TF.js decodes them: float16-quantised floats widened to float32
 * exactly, int32 as stored. Other quantisations are refused, never guessed.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { readGraphModelArtifacts } from '../engines/tfjs.js';

/** One GraphDef node as model.json stores it (attribute values base64 / string-encoded). */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: string[]; s?: string[] };
}

export interface ConstTensor {
  dims: number[];
  data: Float32Array | Int32Array;
}

export interface TfGraph {
  nodes: TfNode[];
  /** Every constant, by its Const node's name. */
  constants: Map<string, ConstTensor>;
}

/** IEEE 754 half -> single, exact (every half is a single). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(spec: TfCore.io.WeightsManifestEntry, view: DataView): ConstTensor {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const stored = spec.quantization?.dtype ?? spec.dtype;
  if (stored === 'float16' && spec.dtype === 'float32') {
    const data = new Float32Array(count);
    for (let k = 0; k < count; k++) data[k] = halfToFloat(view.getUint16(2 * k, true));
    return { dims: spec.shape, data };
  }
  if (spec.quantization) throw new Error(`${spec.name}: ${stored} quantisation is not supported (only float16)`);
  if (spec.dtype === 'float32') {
    const data = new Float32Array(count);
    for (let k = 0; k < count; k++) data[k] = view.getFloat32(4 * k, true);
    return { dims: spec.shape, data };
  }
  if (spec.dtype === 'int32') {
    const data = new Int32Array(count);
    for (let k = 0; k < count; k++) data[k] = view.getInt32(4 * k, true);
    return { dims: spec.shape, data };
  }
  throw new Error(`${spec.name}: dtype ${spec.dtype} is not supported`);
}

const storedBytes = (spec: TfCore.io.WeightsManifestEntry): number =>
  spec.shape.reduce((a, b) => a * b, 1) * ((spec.quantization?.dtype ?? spec.dtype) === 'float16' ? 2 : 4);

export function readTfGraph(modelJsonPath: string): TfGraph {
  const artifacts = readGraphModelArtifacts(modelJsonPath);
  const buffer = artifacts.weightData as ArrayBuffer;
  const constants = new Map<string, ConstTensor>();
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const size = storedBytes(spec);
    if (offset + size > buffer.byteLength) throw new Error(`${modelJsonPath}: weight ${spec.name} runs past the end of the shards`);
    constants.set(spec.name, decode(spec, new DataView(buffer, offset, size)));
    offset += size;
  }
  if (offset !== buffer.byteLength) throw new Error(`${modelJsonPath}: the manifest covers ${offset} of ${buffer.byteLength} weight bytes`);
  const nodes = (artifacts.modelTopology as { node?: TfNode[] }).node;
  if (!Array.isArray(nodes)) throw new Error(`${modelJsonPath}: modelTopology has no nodes`);
  return { nodes, constants };
}
