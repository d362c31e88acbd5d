import type { MergedConfig } from '../api/model.js';
import type { ModelConfig } from './model-config.js';

/**
 * The per-request config before the request's own `config` is applied:
 * model.yaml's `parameters`, then its two contract thresholds. The worker
 * merges each request over this; a handler can check it once in load().
 */
export function defaultConfig(config: ModelConfig): MergedConfig {
  return {
    ...config.parameters,
    confidence_threshold: config.confidence_threshold,
    nms_iou_threshold: config.nms_iou_threshold,
  };
}
