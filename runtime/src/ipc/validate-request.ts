/**
 * Checks an inference request against docs/protocol.md before any work is
 * queued, so every bad request is answered at once with a precise code.
 * Unknown keys are ignored (callers may add keys, e.g. pts).
 */
import type { InferenceRequest } from '../api/wire.js';
import { RuntimeError } from '../errors/errors.js';
import { frameLayout } from '../frames/layout.js';

/**
 * Bounds on what a request may carry beyond its fixed fields. A real config
 * is a flat handful of overrides; a deeply nested one is an attack (copying
 * it to a worker overflowed the stack and killed the server).
 */
export const CONFIG_LIMITS = { depth: 16, values: 1024 };
export const METADATA_LIMITS = { depth: 4, values: 256 };

/** Why `value` breaks the limits ('depth' or 'values'), or null. Iterative: never recurses on caller input. */
function exceeds(value: unknown, limits: { depth: number; values: number }): string | null {
  const stack: [unknown, number][] = [[value, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++values > limits.values) return `holds more than ${limits.values} values`;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.depth) return `nests deeper than ${limits.depth} levels`;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requireString(body: Record<string, unknown>, key: string, where = ''): string {
  const value = body[key];
  if (value === undefined) throw new RuntimeError('MISSING_FIELD', `required field ${where}${key} is missing`);
  if (typeof value !== 'string') throw new RuntimeError('INVALID_FIELD', `${where}${key} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new RuntimeError('INVALID_FIELD', `${where}${key} must be a non-empty string`);
  return value;
}

/** Presence and type only: the range (INVALID_DIMENSIONS) is frameLayout's, checked after model_id. */
function requireDimension(meta: Record<string, unknown>, key: 'width' | 'height'): number {
  const value = meta[key];
  if (value === undefined) throw new RuntimeError('MISSING_FIELD', `required field frame_metadata.${key} is missing`);
  if (typeof value !== 'number') throw new RuntimeError('INVALID_FIELD', `frame_metadata.${key} must be an integer, got ${describe(value)}`);
  return value;
}

/** Validates per-request overrides of model.yaml settings. */
export function validateConfig(config: unknown): Record<string, unknown> | null {
  if (config === undefined || config === null) return null;
  if (!isObject(config)) throw new RuntimeError('INVALID_CONFIG', `config must be an object or null, got ${describe(config)}`);
  const tooLarge = exceeds(config, CONFIG_LIMITS);
  if (tooLarge !== null) throw new RuntimeError('CONFIG_TOO_LARGE', `config ${tooLarge}`);
  const conf = config.confidence_threshold;
  if (conf !== undefined && (typeof conf !== 'number' || !(conf >= 0 && conf <= 1))) {
    throw new RuntimeError('INVALID_CONFIG', `config.confidence_threshold must be a number in [0, 1], got ${describe(conf)}`);
  }
  const iou = config.nms_iou_threshold;
  if (iou !== undefined && iou !== null && (typeof iou !== 'number' || !(iou >= 0 && iou <= 1))) {
    throw new RuntimeError('INVALID_CONFIG', `config.nms_iou_threshold must be null or a number in [0, 1], got ${describe(iou)}`);
  }
  return config;
}

/**
 * Returns the request typed, or throws the RuntimeError to answer with.
 * Order: presence and types of every field, then model_id, then the frame's
 * geometry, so the first problem a caller sees is the most basic one.
 */
export function validateRequest(body: Record<string, unknown>, servedModelId: string): InferenceRequest {
  const frameReference = requireString(body, 'frame_reference');
  const meta = body.frame_metadata;
  if (meta === undefined) throw new RuntimeError('MISSING_FIELD', 'required field frame_metadata is missing');
  if (!isObject(meta)) throw new RuntimeError('INVALID_FIELD', `frame_metadata must be an object, got ${describe(meta)}`);
  const metaTooLarge = exceeds(meta, METADATA_LIMITS);
  if (metaTooLarge !== null) throw new RuntimeError('METADATA_TOO_LARGE', `frame_metadata ${metaTooLarge}`);
  const cameraId = requireString(body, 'camera_id');
  const modelId = requireString(body, 'model_id');
  const timestamp = body.timestamp;
  if (timestamp === undefined) throw new RuntimeError('MISSING_FIELD', 'required field timestamp is missing');
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp <= 0) {
    throw new RuntimeError('INVALID_FIELD', `timestamp must be a finite number > 0 (Unix seconds), got ${describe(timestamp)}`);
  }
  const config = validateConfig(body.config);

  const frameId = meta.frame_id;
  if (frameId !== undefined && frameId !== null && (typeof frameId !== 'number' || !Number.isInteger(frameId) || frameId < 0)) {
    throw new RuntimeError('INVALID_FIELD', `frame_metadata.frame_id must be a non-negative integer, got ${describe(frameId)}`);
  }
  const metaTs = meta.timestamp;
  if (metaTs !== undefined && metaTs !== null && (typeof metaTs !== 'number' || !Number.isFinite(metaTs))) {
    throw new RuntimeError('INVALID_FIELD', `frame_metadata.timestamp must be a number, got ${describe(metaTs)}`);
  }
  const width = requireDimension(meta, 'width');
  const height = requireDimension(meta, 'height');
  const format = requireString(meta, 'format', 'frame_metadata.');
  const stride = meta.stride;
  if (stride !== undefined && stride !== null && (typeof stride !== 'number' || !Number.isInteger(stride) || stride <= 0)) {
    throw new RuntimeError('INVALID_FIELD', `frame_metadata.stride must be a positive integer, got ${describe(stride)}`);
  }

  if (modelId !== servedModelId) {
    throw new RuntimeError('MODEL_MISMATCH', `model_id ${JSON.stringify(modelId)} does not match this socket's model ${JSON.stringify(servedModelId)}`);
  }
  // Throws INVALID_DIMENSIONS / ODD_DIMENSIONS / UNSUPPORTED_FORMAT.
  frameLayout(format, width, height, typeof stride === 'number' ? stride : undefined);

  return {
    frame_reference: frameReference,
    frame_metadata: meta as unknown as InferenceRequest['frame_metadata'],
    camera_id: cameraId,
    model_id: modelId,
    timestamp,
    config,
  };
}
