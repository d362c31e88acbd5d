/**
 * Checks what a handler returned before it reaches the wire: the caller must
 * get contract-shaped detections or an INFERENCE_FAILED error, never a
 * malformed success. Boxes are clamped to [0, 1] (models often overshoot the
 * frame edge by a pixel).
 */
import type { InferOutput } from '../api/model.js';
import type { Detection } from '../api/wire.js';
import { RuntimeError } from '../errors/errors.js';

function fail(index: number, what: string, value: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new RuntimeError('INFERENCE_FAILED', `handler returned an invalid detection [${index}]: ${what}, got ${shown.slice(0, 100)}`);
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

export function normaliseOutput(out: unknown): { detections: Detection[]; metadata: Record<string, unknown> | undefined } {
  const isArray = Array.isArray(out);
  const list = isArray ? out : (out as InferOutput | null)?.detections;
  if (!Array.isArray(list)) {
    throw new RuntimeError('INFERENCE_FAILED', 'handler must return an array of detections or { detections, metadata? }');
  }
  const metadata = isArray ? undefined : (out as InferOutput).metadata;
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new RuntimeError('INFERENCE_FAILED', 'handler metadata must be an object when present');
  }
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as Detection;
    if (d === null || typeof d !== 'object') fail(i, 'not an object', d);
    if (!Number.isInteger(d.class_id) || d.class_id < 0) fail(i, 'class_id must be an integer >= 0', d.class_id);
    if (typeof d.class_name !== 'string' || d.class_name.length === 0) fail(i, 'class_name must be a non-empty string', d.class_name);
    if (typeof d.confidence !== 'number' || !(d.confidence >= 0 && d.confidence <= 1)) fail(i, 'confidence must be a number in [0, 1]', d.confidence);
    const b = d.bbox;
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail(i, 'bbox must be 4 finite numbers [x_min, y_min, x_max, y_max]', b);
    }
    const box: [number, number, number, number] = [clamp01(b[0]), clamp01(b[1]), clamp01(b[2]), clamp01(b[3])];
    if (box[0] > box[2] || box[1] > box[3]) fail(i, 'bbox must have x_min <= x_max and y_min <= y_max', b);
    d.bbox = box;
    if (d.track_id === undefined) d.track_id = null;
    else if (d.track_id !== null && !Number.isInteger(d.track_id)) fail(i, 'track_id must be an integer or null', d.track_id);
  }
  return { detections: list as Detection[], metadata };
}
