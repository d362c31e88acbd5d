/**
 * Per-request settings: the runtime's merged config (model.yaml defaults,
 * then the request's `config`), plus this model's own overrides:
 *   - fall_threshold: fall score at or above which a person is `fall` (default 0.6);
 *   - rotation: "auto" (default), "always" or "never" (the turned passes).
 */
import { RuntimeError, type MergedConfig } from '@ruth-ai/model-runtime';
import type { RotationPolicy } from './detect-people.js';

export const DEFAULT_FALL_THRESHOLD = 0.6;
/** Weak upright-pass candidates down to this score may trigger the turned passes. */
export const PROBE_SCORE = 0.02;

export interface Settings {
  personThreshold: number;
  fallThreshold: number;
  rotation: RotationPolicy;
  mergeIou: number;
}

function unit(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RuntimeError('INVALID_CONFIG', `config.${name} must be a number in [0, 1], got ${JSON.stringify(value)}`);
  }
  return value;
}

export function readSettings(config: Readonly<MergedConfig>): Settings {
  const rotation = config.rotation ?? 'auto';
  if (rotation !== 'auto' && rotation !== 'always' && rotation !== 'never') {
    throw new RuntimeError('INVALID_CONFIG', `config.rotation must be "auto", "always" or "never", got ${JSON.stringify(rotation)}`);
  }
  return {
    personThreshold: unit(config.confidence_threshold, 'confidence_threshold', 0.2),
    fallThreshold: unit(config.fall_threshold, 'fall_threshold', DEFAULT_FALL_THRESHOLD),
    rotation,
    mergeIou: unit(config.nms_iou_threshold, 'nms_iou_threshold', 0.3),
  };
}
