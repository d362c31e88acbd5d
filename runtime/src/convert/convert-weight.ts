/**
 * Makes a weight that model.yaml declares as a conversion of an earlier one
 * (`source: { convert, from, ... }`), at build time: fetchWeights calls
 * it, then checks the result's sha256 like any other weight. Conversions
 * are deterministic, so a pinned hash keeps holding. The protobuf writer
 * (`onnx-proto`) is the model folder's build-time dependency, as engines
 * are: the runtime itself ships none.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tfGraphToOnnx } from './tfjs-graph-to-onnx.js';
import { readTfGraph } from './tfjs-weights.js';
import { quantizeInt8, type ActivationRanges } from './quantize-int8.js';
import type { OnnxProto } from './onnx-builder.js';
import type { ConvertedWeightSource, QuantizedWeightSource } from '../config/model-config.js';
import { requireFromModel } from '../engines/resolve-from-model.js';

/** The converted file's bytes; `fromPath` is the (already verified) source weight. */
export function convertWeight(modelDir: string, source: ConvertedWeightSource | QuantizedWeightSource, fromPath: string): Uint8Array {
  const proto = () => requireFromModel<OnnxProto>(modelDir, 'onnx-proto');
  switch (source.convert) {
    case 'tfjs-graph-to-onnx':
      return tfGraphToOnnx(proto(), readTfGraph(fromPath), source.outputs).bytes;
    case 'onnx-quantize-int8': {
      const model = readFileSync(fromPath);
      const rangesPath = resolve(modelDir, source.ranges);
      if (!rangesPath.startsWith(resolve(modelDir) + '/')) throw new Error(`ranges ${JSON.stringify(source.ranges)} leaves the model folder`);
      const ranges = JSON.parse(readFileSync(rangesPath, 'utf8')) as ActivationRanges;
      const sha = createHash('sha256').update(model).digest('hex');
      // The ranges name the float model's tensors: made for another model, they would quantize the wrong values.
      if (ranges.model_sha256 !== sha) throw new Error(`${source.ranges} was calibrated on a model with sha256 ${ranges.model_sha256}, ${source.from} has ${sha}: calibrate again`);
      return quantizeInt8(proto(), model, ranges, source.keep_float ?? [], source.weight_bits ?? 8);
    }
  }
}
