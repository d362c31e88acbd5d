/**
 * Builds an ONNX ModelProto with the message classes of `onnx-proto` (passed
 * in: the model folder pins it as a build-time dependency): nodes, constant
 * initializers, and the graph's typed inputs and outputs. Names come from a
 * counter in creation order, so the same conversion writes the same bytes.
 */
import type OnnxProtoModule from 'onnx-proto';

export type OnnxProto = typeof OnnxProtoModule;
type Proto = OnnxProtoModule.onnx.IModelProto;
type Node = OnnxProtoModule.onnx.INodeProto;
type Tensor = OnnxProtoModule.onnx.ITensorProto;
type AttrValue = number | number[] | string;

/** ONNX TensorProto.DataType values (onnx.proto). */
export const FLOAT = 1;
export const INT32 = 6;

export interface GraphIo {
  name: string;
  elemType: number;
  /** A size, or a name for a size known only at run time. */
  dims: (number | string)[];
}

export class OnnxBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private count = 0;

  constructor(private readonly proto: OnnxProto) {}

  /** A fresh, unique name derived from `hint`. */
  name(hint: string): string {
    return `${hint}__${this.count++}`;
  }

  /** A constant tensor (float32 or int32); returns its name. */
  constant(hint: string, dims: number[], data: ArrayLike<number>, elemType = FLOAT): string {
    const name = this.name(hint);
    const raw = elemType === FLOAT ? Float32Array.from(data) : Int32Array.from(data);
    this.initializers.push({ name, dims, dataType: elemType, rawData: new Uint8Array(raw.buffer) });
    return name;
  }

  /** Adds a node with one output (named `output`, or fresh); returns the output's name. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? this.name(op);
    const T = this.proto.onnx.AttributeProto.AttributeType;
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
      if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
      return { name, type: T.INTS, ints: v };
    });
    this.nodes.push({ opType: op, name: this.name(`${op}_node`), input: inputs, output: [out], attribute });
    return out;
  }

  encode(inputs: GraphIo[], outputs: GraphIo[], opset: number, docString: string): Uint8Array {
    const info = (io: GraphIo) => ({
      name: io.name,
      type: { tensorType: { elemType: io.elemType, shape: { dim: io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
    const model: Proto = {
      irVersion: 7,
      producerName: '@ruth-ai/model-runtime tfjs-graph-to-onnx',
      docString,
      opsetImport: [{ domain: '', version: opset }],
      graph: { name: 'converted', node: this.nodes, initializer: this.initializers, input: inputs.map(info), output: outputs.map(info) },
    };
    return this.proto.onnx.ModelProto.encode(this.proto.onnx.ModelProto.create(model)).finish();
  }
}
