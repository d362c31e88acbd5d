/**
 * Per-request settings. The runtime hands the handler one merged `config`:
 * model.yaml's `parameters` and its two contract thresholds, overridden key by
 * key by the request's own `config`. This file only validates; the defaults
 * live in model.yaml:
 *   - confidence_threshold: person score floor for a reported person;
 *   - nms_iou_threshold: box IoU above which two poses (e.g. from the upright
 *     and a turned pass) are one person;
 *   - fall_threshold (parameters): fall_score at or above which a person is `fall`;
 *   - fall_min_confidence, zoom_fall_min_confidence (parameters): the person
 *     score below which nobody is `fall` (for a read on a zoomed or moving crop: the second);
 *   - rotation (parameters): "regions" (turned crops of the places the
 *     upright pass marks as maybe lying), or the whole-frame quarter turns:
 *     "auto" (on doubt), "always", "never";
 *   - probe_score (parameters): weak upright candidates down to this score
 *     count as doubt ("auto") or as a place to look closer ("regions");
 *   - trunk_angle_ramp, leg_angle_ramp, wide_aspect_ramp, head_above_hips_ramp,
 *     bent_over_weight, hidden_legs, cue_weight, min_keypoints (parameters):
 *     the fall decision's constants (fall-decision.ts FallRule);
 *   - views, slanted_view_side, slanted_view_min_confidence (parameters): the
 *     angles "views" reads the whole window at, the side a slanted view is
 *     shrunk to fit, and the person score floor for what a slanted view reads;
 *   - zoom_regions (parameters): how many places get a zoomed, turned look
 *     ("regions"; after the turned passes for "auto" and "always"; 0 turns
 *     it off); zoom_regions_nobody_found: at most this many when no pass
 *     found anybody; zoom_context: a zoomed square's side in lengths of the
 *     hint box's longer side; zoom_max_side: no look at a place whose square
 *     would be larger than this (input pixels); wide_box_aspect: how much
 *     wider than tall a slot box must be to mark a place a person may lie
 *     (the zoomed looks' places; "auto"'s doubt).
 *   - motion_regions, motion_threshold, motion_learn_rate, motion_max_shrink
 *     (parameters): how many moving places of a fixed camera's scene get an
 *     upright look closer, cut from the full-resolution frame (0 turns it
 *     off), the brightness step that counts as motion, how fast the
 *     background follows, and how much such a look may shrink the frame.
 * A bad or missing value is INVALID_CONFIG. There are no fallback constants:
 * the handler checks model.yaml's values once at load, so a model.yaml that
 * lacks one fails at start-up rather than on every request.
 */
import { RuntimeError, type MergedConfig } from '@ruth-ai/model-runtime';
import type { RotationPolicy } from './detect-people.js';
import type { FallRule, Ramp } from './fall-decision.js';
import type { MotionOptions } from './motion.js';

export interface Settings {
  personThreshold: number;
  fallThreshold: number;
  /** A person read with a lower score is never called `fall`. */
  fallMinConfidence: number;
  /** The same floor for people read on a zoomed crop. */
  zoomFallMinConfidence: number;
  rotation: RotationPolicy;
  /** "views": the angles the whole window is also read at. */
  views: number[];
  /** A slanted view is shrunk to fit this side (a multiple of 32). */
  slantedViewSide: number;
  /** Person score floor for a person read in a slanted view. */
  slantedMinScore: number;
  probeScore: number;
  mergeIou: number;
  zoomRegions: number;
  /** Zoomed looks when no pass found anybody (detect-people.ts zoomBudget). */
  zoomRegionsNobody: number;
  /** A zoomed square's side in hint-box lengths. */
  zoomContext: number;
  /** A place whose zoomed square would be larger than this (input pixels) gets no zoomed look. */
  zoomMaxSide: number;
  /** A slot box this many times wider than tall is a place a person may lie (detect-people.ts lyingHint). */
  wideAspect: number;
  /** Upright looks closer at moving places per frame (moving-people.ts); 0: off. */
  motionRegions: number;
  /** A moving place's read shrinks the frame at most this much (moving-people.ts readWindow). */
  motionMaxShrink: number;
  motion: MotionOptions;
  rule: FallRule;
}

function unit(config: Readonly<MergedConfig>, name: string): number {
  const value = config[name];
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be a number in [0, 1], got ${JSON.stringify(value)}`;
    throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
  }
  return value;
}

function count(config: Readonly<MergedConfig>, name: string, max: number): number {
  const value = config[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be an integer in [0, ${max}], got ${JSON.stringify(value)}`;
    throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
  }
  return value;
}

/** A number in [min, max]. */
function between(config: Readonly<MergedConfig>, name: string, min: number, max: number): number {
  const value = config[name];
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`;
    throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
  }
  return value;
}

/** A ramp's two ends: two different numbers within [min, max]. */
function ramp(config: Readonly<MergedConfig>, name: string, min: number, max: number): Ramp {
  const value = config[name];
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && v >= min && v <= max) && value[0] !== value[1];
  if (!ok) {
    const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be two different numbers in [${min}, ${max}] (where the cue is 0, where it is 1), got ${JSON.stringify(value)}`;
    throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
  }
  return [value[0], value[1]];
}

/** Up to 8 distinct non-zero angles in degrees, each in [-180, 180] (0 is the upright pass itself). */
function angles(config: Readonly<MergedConfig>, name: string): number[] {
  const value = config[name];
  const ok = Array.isArray(value) && value.length <= 8 && new Set(value).size === value.length &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v !== 0 && v >= -180 && v <= 180);
  if (!ok) {
    const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be up to 8 distinct non-zero angles in [-180, 180] degrees, got ${JSON.stringify(value)}`;
    throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
  }
  return value as number[];
}

/** A MoveNet input side: a multiple of 32 in [64, 512]. */
function side(config: Readonly<MergedConfig>, name: string): number {
  const value = config[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value % 32 !== 0 || value < 64 || value > 512) {
    const why = value === undefined || value === null ? 'is missing (model.yaml parameters should set it)' : `must be a multiple of 32 in [64, 512], got ${JSON.stringify(value)}`;
    throw new RuntimeError('INVALID_CONFIG', `config.${name} ${why}`);
  }
  return value;
}

/** The decision's constants (fall-decision.ts FallRule). */
function readRule(config: Readonly<MergedConfig>): FallRule {
  const cueWeight = unit(config, 'cue_weight');
  // Each supporting cue can take at most half the score off: the trunk stays the main gate.
  if (cueWeight > 0.5) throw new RuntimeError('INVALID_CONFIG', `config.cue_weight must be a number in [0, 0.5], got ${cueWeight}`);
  return {
    trunk: ramp(config, 'trunk_angle_ramp', 0, 180),
    legs: ramp(config, 'leg_angle_ramp', 0, 180),
    wide: ramp(config, 'wide_aspect_ramp', 0, 10),
    headLow: ramp(config, 'head_above_hips_ramp', -5, 5),
    bentOver: unit(config, 'bent_over_weight'),
    hiddenLegs: unit(config, 'hidden_legs'),
    cueWeight,
    minKeypoints: count(config, 'min_keypoints', 17),
  };
}

export function readSettings(config: Readonly<MergedConfig>): Settings {
  const rotation = config.rotation;
  if (rotation !== 'views' && rotation !== 'auto' && rotation !== 'regions' && rotation !== 'always' && rotation !== 'never') {
    throw new RuntimeError('INVALID_CONFIG', `config.rotation must be "views", "auto", "regions", "always" or "never", got ${JSON.stringify(rotation)}`);
  }
  return {
    personThreshold: unit(config, 'confidence_threshold'),
    fallThreshold: unit(config, 'fall_threshold'),
    fallMinConfidence: unit(config, 'fall_min_confidence'),
    zoomFallMinConfidence: unit(config, 'zoom_fall_min_confidence'),
    rotation,
    views: angles(config, 'views'),
    slantedViewSide: side(config, 'slanted_view_side'),
    slantedMinScore: unit(config, 'slanted_view_min_confidence'),
    probeScore: unit(config, 'probe_score'),
    mergeIou: unit(config, 'nms_iou_threshold'),
    // Each region costs two small passes; 18 is every slot of the three passes.
    zoomRegions: count(config, 'zoom_regions', 18),
    zoomRegionsNobody: count(config, 'zoom_regions_nobody_found', 18),
    zoomContext: between(config, 'zoom_context', 1, 4),
    zoomMaxSide: between(config, 'zoom_max_side', 32, 512),
    wideAspect: between(config, 'wide_box_aspect', 1, 4),
    motionRegions: count(config, 'motion_regions', 8),
    motionMaxShrink: between(config, 'motion_max_shrink', 1, 8),
    motion: { threshold: count(config, 'motion_threshold', 255), learnRate: unit(config, 'motion_learn_rate') },
    rule: readRule(config),
  };
}

/**
 * The person score a read needs to be `fall`. A zoomed or a moving place's read enlarges a small crop (an animal
 * close up, a far walker's few pixels) and reads it as a weak person, so it needs more: in the compose demo a
 * walker's 23-px moving read at 0.21 was called fallen.
 */
export function fallMinConfidence(pass: string, s: Pick<Settings, 'fallMinConfidence' | 'zoomFallMinConfidence'>): number {
  return pass.endsWith('-zoom') || pass === 'moving' ? s.zoomFallMinConfidence : s.fallMinConfidence;
}
