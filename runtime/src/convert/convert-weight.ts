/**
 * Makes a weight that model.yaml declares as a conversion of an earlier one
 * (`source: { convert, from, outputs }`), at build time: fetchWeights calls
 * it, then checks the result's sha256 like any other weight. Conversions
 * are deterministic, so a pinned hash keeps holding. The protobuf writer
 * (`onnx-proto`) is the model folder's build-time dependency, as engines
 * are: the runtime itself ships none.
 */
import { tfGraphToOnnx } from './tfjs-graph-to-onnx.js';
import { readTfGraph } from './tfjs-weights.js';
import type { OnnxProto } from './onnx-builder.js';
import type { ConvertedWeightSource } from '../config/model-config.js';
import { requireFromModel } from '../engines/resolve-from-model.js';

/** The converted file's bytes; `fromPath` is the (already verified) source weight. */
export function convertWeight(modelDir: string, source: ConvertedWeightSource, fromPath: string): Uint8Array {
  switch (source.convert) {
    case 'tfjs-graph-to-onnx':
      return tfGraphToOnnx(requireFromModel<OnnxProto>(modelDir, 'onnx-proto'), readTfGraph(fromPath), source.outputs).bytes;
  }
}
