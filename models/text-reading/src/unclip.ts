/**
 * DB's unclip: the detector marks a shrunk core of each text line, so each
 * found box is offset outwards by area * ratio / perimeter (rounded joins),
 * with Clipper, as PaddleOCR does with pyclipper (the same Clipper 6.4.2).
 */
import ClipperLib from 'clipper-lib';
import { quadArea, quadPerimeter, type Pt, type Quad } from './quad.js';

/** The grown outline's points, or [] when the box has no area. */
export function unclip(box: Quad, ratio: number): Pt[] {
  const perimeter = quadPerimeter(box);
  if (perimeter === 0) return [];
  const distance = (quadArea(box) * ratio) / perimeter;
  const offset = new ClipperLib.ClipperOffset();
  // Clipper works on integers: pyclipper truncates the same way.
  offset.AddPath(box.map(([x, y]) => ({ X: Math.round(x), Y: Math.round(y) })), ClipperLib.JoinType.jtRound, ClipperLib.EndType.etClosedPolygon);
  const solution: { X: number; Y: number }[][] = [];
  offset.Execute(solution, distance);
  return solution.flat().map((p): Pt => [p.X, p.Y]);
}
