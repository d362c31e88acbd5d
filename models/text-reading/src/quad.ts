/**
 * Quadrilateral geometry for text boxes: the minimum-area rectangle of a
 * point set (OpenCV's minAreaRect, by rotating calipers over the convex
 * hull), PaddleOCR's corner order, and the mean of a map inside a quad.
 */
import convexHull from 'monotone-convex-hull-2d';

export type Pt = [number, number];
/** Corners clockwise from the top-left: [tl, tr, br, bl]. */
export type Quad = [Pt, Pt, Pt, Pt];

export interface MinRect {
  corners: Quad;
  /** The shorter side. */
  short: number;
}

/**
 * The smallest rectangle around `points`: one of its sides lies on an edge
 * of the convex hull, so only those directions are tried. Null when the
 * points are fewer than 3 distinct ones on a line (no area).
 */
export function minAreaRect(points: readonly Pt[]): MinRect | null {
  const hull = convexHull(points).map((i) => points[i]!);
  if (hull.length < 3) return null;
  let best: { area: number; corners: Pt[]; short: number } | null = null;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len === 0) continue;
    const ux = (b[0] - a[0]) / len;
    const uy = (b[1] - a[1]) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (best && area >= best.area) continue;
    const at = (u: number, v: number): Pt => [u * ux - v * uy, u * uy + v * ux];
    best = { area, corners: [at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)], short: Math.min(maxU - minU, maxV - minV) };
  }
  return best ? { corners: orderCorners(best.corners), short: best.short } : null;
}

/**
 * PaddleOCR's get_mini_boxes order: the two leftmost corners give the top-left
 * and bottom-left (by y), the two rightmost the top-right and bottom-right.
 */
export function orderCorners(corners: readonly Pt[]): Quad {
  const p = [...corners].sort((a, b) => a[0] - b[0]);
  const [tl, bl] = p[1]![1] > p[0]![1] ? [p[0]!, p[1]!] : [p[1]!, p[0]!];
  const [tr, br] = p[3]![1] > p[2]![1] ? [p[2]!, p[3]!] : [p[3]!, p[2]!];
  return [tl, tr, br, bl];
}

function insideConvex(q: Quad, x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % 4]!;
    const cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (cross === 0) continue;
    const s = cross > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** Mean of `map` over the pixels whose centres lie in the quad (PaddleOCR's box_score_fast). */
export function meanInside(map: Float32Array, w: number, h: number, q: Quad): number {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(w - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideConvex(q, x, y)) continue;
      sum += map[y * w + x]!;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

export function quadArea(q: readonly Pt[]): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % q.length]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

export function quadPerimeter(q: readonly Pt[]): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % q.length]!;
    s += Math.hypot(b[0] - a[0], b[1] - a[1]);
  }
  return s;
}
