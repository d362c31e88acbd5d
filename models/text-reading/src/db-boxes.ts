/**
 * DB post-processing (PaddleOCR's DBPostProcess, score_mode "fast"): the
 * detector's probability map -> one quadrilateral per text line, in map
 * pixels.
 *
 *   threshold -> regions -> min-area rect (drop short side < min_size)
 *   -> mean probability inside (drop < box_threshold)
 *   -> unclip -> min-area rect again (drop short side < min_size + 2)
 */
import { textRegions } from './components.js';
import { meanInside, minAreaRect, type Quad } from './quad.js';
import { unclip } from './unclip.js';

export interface DbOptions {
  detThreshold: number;
  boxThreshold: number;
  unclipRatio: number;
  minSize: number;
  /** At most this many regions are considered (PaddleOCR: 1000). */
  maxCandidates: number;
}

export interface TextBox {
  quad: Quad;
  /** Mean detector probability inside the box before unclip. */
  score: number;
}

export function dbBoxes(map: Float32Array, w: number, h: number, roi: [number, number, number, number], o: DbOptions): TextBox[] {
  const boxes: TextBox[] = [];
  for (const region of textRegions(map, w, h, o.detThreshold, roi, o.maxCandidates)) {
    const core = minAreaRect(region.boundary);
    if (!core || core.short < o.minSize) continue;
    const score = meanInside(map, w, h, core.corners);
    if (score < o.boxThreshold) continue;
    const grown = minAreaRect(unclip(core.corners, o.unclipRatio));
    if (!grown || grown.short < o.minSize + 2) continue;
    boxes.push({ quad: grown.corners, score });
  }
  return boxes;
}
