/**
 * Box arithmetic model authors need after inference, e.g. for non-maximum
 * suppression. Boxes are [x1, y1, x2, y2] in any one coordinate system
 * (input pixels or the contract's normalised frame coordinates).
 */

/**
 * Intersection over union of two boxes, in [0, 1]. Boxes that do not overlap,
 * and empty or inverted boxes (x2 <= x1 or y2 <= y1), give 0.
 */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}
