/**
 * The model author's API. A model folder's handler module default-exports
 * `defineModel({ load, warmup?, infer, dispose? })`. The runtime owns the
 * socket, the frame, preprocessing, concurrency and errors; the handler owns
 * the model.
 *
 * Each worker thread imports the handler once and calls load() once, so
 * `State` is per worker and needs no locking.
 */
import type { Detection, InferenceRequest } from './wire.js';
import type { ModelConfig, ResizeMode, TensorDtype, TensorLayout } from '../config/model-config.js';
import type { Frame } from '../frames/read-frame.js';

/** How the model input maps back to the original frame. */
export interface FrameGeometry {
  /** The original frame's size in pixels. */
  frameWidth: number;
  frameHeight: number;
  /** The model input's size in pixels. */
  inputWidth: number;
  inputHeight: number;
  resize: ResizeMode;
  /** Input pixels per frame pixel, per axis (equal under letterbox). */
  scaleX: number;
  scaleY: number;
  /** Letterbox padding in input pixels, left and top. */
  padX: number;
  padY: number;
}

/** One preprocessed frame: what the model eats. */
export interface InputTensor {
  data: Float32Array | Uint8Array;
  /** [1, H, W, 3] for nhwc, [1, 3, H, W] for nchw (1 channel for gray models is not offered: inputs are RGB/BGR). */
  shape: number[];
  dtype: TensorDtype;
  layout: TensorLayout;
  geometry: FrameGeometry;
}

export interface LoadContext {
  /** The parsed, defaulted and frozen model.yaml. */
  config: ModelConfig;
  /** Absolute path of the model folder. */
  modelDir: string;
  /** Absolute paths of the weight files, in model.yaml order, sha256 already verified. */
  weights: string[];
  /** 0-based index of this worker. */
  workerId: number;
  /** How many workers run this model (e.g. to split the cores between their engine threads). */
  workers: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Per-request settings: model.yaml defaults, overridden by the request's `config`. */
export interface MergedConfig {
  confidence_threshold: number;
  nms_iou_threshold: number | null;
  [override: string]: unknown;
}

export interface InferContext {
  request: Readonly<InferenceRequest>;
  /**
   * The preprocessed frame. Valid only until infer() settles: its memory is
   * then reused for the next frame and input.data becomes empty (copy what
   * you keep).
   */
  input: InputTensor;
  config: Readonly<MergedConfig>;
  /**
   * The original frame, for work at full resolution (e.g. cropCorners from
   * a box found on the smaller input). Valid only until infer() settles.
   */
  frame: Frame;
}

export interface InferOutput {
  detections: Detection[];
  /** Merged into the response's metadata next to the runtime's own timings. */
  metadata?: Record<string, unknown>;
}

export interface ModelDefinition<State = unknown> {
  /** Once per worker: load weights, build sessions. */
  load(ctx: LoadContext): State | Promise<State>;
  /** Optional: run once after load on a synthetic input so the first real request is fast. */
  warmup?(state: State, input: InputTensor): void | Promise<void>;
  /** Once per request. Return detections with bbox normalised to the original frame. */
  infer(state: State, ctx: InferContext): InferOutput | Detection[] | Promise<InferOutput | Detection[]>;
  dispose?(state: State): void | Promise<void>;
}

/** Identity at run time; gives the handler full type checking. */
export function defineModel<State>(definition: ModelDefinition<State>): ModelDefinition<State> {
  return definition;
}
