/**
 * Per-request settings: model.yaml's `parameters` and confidence_threshold,
 * overridden key by key by the request's `config`. This file only validates
 * (the defaults live in model.yaml); a bad or missing value is
 * INVALID_CONFIG, and the handler checks model.yaml's own values at load.
 */
import { RuntimeError, type MergedConfig } from '@ruth-ai/model-runtime';

export interface Settings {
  /** Recognition score below which a line is dropped. */
  minScore: number;
  detThreshold: number;
  boxThreshold: number;
  unclipRatio: number;
  minSize: number;
  maxLines: number;
  angleCheck: boolean;
  recBatchSize: number;
  /** Recogniser input width at least (short lines are padded to it). */
  recMinWidth: number;
}

function bad(name: string, value: unknown, want: string): never {
  const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be ${want}, got ${JSON.stringify(value)}`;
  throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
}

function number(config: Readonly<MergedConfig>, name: string, min: number, max: number, integer = false): number {
  const value = config[name];
  if (typeof value !== 'number' || !(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    bad(name, value, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return value;
}

export function readSettings(config: Readonly<MergedConfig>): Settings {
  const angle = config.angle_check;
  if (angle !== 'auto' && angle !== 'never') bad('angle_check', angle, '"auto" or "never"');
  return {
    minScore: number(config, 'confidence_threshold', 0, 1),
    detThreshold: number(config, 'det_threshold', 0, 1),
    boxThreshold: number(config, 'box_threshold', 0, 1),
    unclipRatio: number(config, 'unclip_ratio', 0, 4),
    minSize: number(config, 'min_size', 1, 100),
    maxLines: number(config, 'max_lines', 1, 1000, true),
    angleCheck: angle === 'auto',
    recBatchSize: number(config, 'rec_batch_size', 1, 64, true),
    recMinWidth: number(config, 'rec_min_width', 8, 1920, true),
  };
}
