/**
 * Is this person down? One frame, body geometry only (the contract keeps no
 * state between requests, so there is no motion to use).
 *
 * Two gates, then two supporting cues:
 *   - trunk: the trunk's angle from vertical. An upright or sitting trunk is
 *     never a fall;
 *   - legs: the legs' angle from vertical. Vertical legs under a horizontal
 *     trunk are someone bending over, not lying; hidden legs count `hiddenLegs`;
 *   - wide: the visible body is wider than tall;
 *   - headLow: the head is at or below hip height.
 *
 *   fall_score = trunk × (b + (1 − b)·legs) × (1 − 2c + c·wide + c·headLow)
 *
 * with b = `bentOver` and c = `cueWeight`. Each cue is a ramp in [0, 1] whose two ends are
 * model.yaml parameters (FallRule, validated in settings.ts); a supporting
 * cue whose keypoints are hidden takes a neutral 0.5.
 */
import type { BodyGeometry } from './body-geometry.js';

/** A ramp's two ends: the cue is 0 at the first and 1 at the second (either may be the larger). */
export type Ramp = readonly [number, number];

/** The decision's constants, all from model.yaml `parameters`. */
export interface FallRule {
  /** trunk_angle_ramp: degrees from vertical. */
  trunk: Ramp;
  /** leg_angle_ramp: degrees from vertical. */
  legs: Ramp;
  /** wide_aspect_ramp: width / height of the visible body. */
  wide: Ramp;
  /** head_above_hips_ramp: head height above the hips, in trunk lengths. */
  headLow: Ramp;
  /** bent_over_weight: what is left of the score when the legs are vertical. */
  bentOver: number;
  /** hidden_legs: the legs cue when no knee or ankle is seen. */
  hiddenLegs: number;
  /** cue_weight: how much each supporting cue (wide, headLow) can take off the score. */
  cueWeight: number;
  /** min_keypoints: fewer visible keypoints than this is too little to judge. */
  minKeypoints: number;
}

/** Linear ramp: 0 at `from`, 1 at `to`, clamped. */
function ramp(v: number, [from, to]: Ramp): number {
  const t = (v - from) / (to - from);
  return Math.min(1, Math.max(0, t));
}

export interface FallAssessment {
  fallScore: number;
  /** True when the pose is too incomplete to judge; such a person is reported as `person`. */
  uncertain: boolean;
}

export function assessFall(body: BodyGeometry, rule: FallRule): FallAssessment {
  if (body.torsoAngle === null || body.visible < rule.minKeypoints) return { fallScore: 0, uncertain: true };
  const trunk = ramp(body.torsoAngle, rule.trunk);
  const legs = body.legAngle === null ? rule.hiddenLegs : rule.bentOver + (1 - rule.bentOver) * ramp(body.legAngle, rule.legs);
  const wide = body.aspect === null ? 0.5 : ramp(body.aspect, rule.wide);
  const headLow = body.headAboveHips === null ? 0.5 : ramp(body.headAboveHips, rule.headLow);
  const fallScore = trunk * legs * (1 - 2 * rule.cueWeight + rule.cueWeight * (wide + headLow));
  return { fallScore: Math.round(fallScore * 1000) / 1000, uncertain: false };
}

/** A pose that may be a lying person the upright pass read badly: worth a look rotated. */
export function looksHorizontal(body: BodyGeometry): boolean {
  if (body.torsoAngle !== null) return body.torsoAngle > 35;
  return body.aspect !== null && body.aspect > 1.0;
}
