/**
 * Is this person down? One frame, body geometry only (the contract keeps no
 * state between requests, so there is no motion to use).
 *
 * Two gates, then two supporting cues:
 *   - trunk: the trunk's angle from vertical. An upright or sitting trunk is
 *     never a fall;
 *   - legs: the legs' angle from vertical. Vertical legs under a horizontal
 *     trunk are someone bending over, not lying; hidden legs count 0.8;
 *   - wide: the visible body is wider than tall;
 *   - headLow: the head is at or below hip height.
 *
 *   fall_score = trunk × (0.3 + 0.7·legs) × (0.6 + 0.2·wide + 0.2·headLow)
 *
 * Each cue is a ramp in [0, 1]; a supporting cue whose keypoints are hidden
 * takes a neutral 0.5.
 */
import type { BodyGeometry } from './body-geometry.js';

/** Linear ramp: 0 at or below lo, 1 at or above hi. */
function ramp(v: number, lo: number, hi: number): number {
  if (v <= lo) return 0;
  if (v >= hi) return 1;
  return (v - lo) / (hi - lo);
}

export interface FallAssessment {
  fallScore: number;
  /** True when the pose is too incomplete to judge; such a person is reported as `person`. */
  uncertain: boolean;
}

export function assessFall(body: BodyGeometry): FallAssessment {
  if (body.torsoAngle === null || body.visible < 5) return { fallScore: 0, uncertain: true };
  const trunk = ramp(body.torsoAngle, 40, 70);
  const legs = body.legAngle === null ? 0.8 : 0.3 + 0.7 * ramp(body.legAngle, 35, 65);
  const wide = body.aspect === null ? 0.5 : ramp(body.aspect, 0.8, 1.5);
  const headLow = body.headAboveHips === null ? 0.5 : ramp(0.8 - body.headAboveHips, 0.2, 0.7);
  const fallScore = trunk * legs * (0.6 + 0.2 * wide + 0.2 * headLow);
  return { fallScore: Math.round(fallScore * 1000) / 1000, uncertain: false };
}

/** A pose that may be a lying person the upright pass read badly: worth a look rotated. */
export function looksHorizontal(body: BodyGeometry): boolean {
  if (body.torsoAngle !== null) return body.torsoAngle > 35;
  return body.aspect !== null && body.aspect > 1.0;
}
