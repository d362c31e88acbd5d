/**
 * Text lines in frame pixels, and how each is cut out upright: PaddleOCR's
 * get_rotate_crop_image (size from the longer of each pair of opposite
 * sides; a box at least 1.5 times taller than wide is a vertical line, read
 * turned a quarter counter-clockwise) and its reading order (top to bottom,
 * left to right within 10 px of height).
 */
import { cropCorners, inputPointToFrame, type Frame, type FrameGeometry, type RgbImage } from '@ruth-ai/model-runtime';
import type { Pt, Quad } from './quad.js';

export interface TextLine {
  /** [tl, tr, br, bl] in frame pixels. */
  quad: Quad;
  /** The corners to crop from, in reading order (turned for vertical lines, and for 180° once classified). */
  upright: Quad;
  /** Upright size in frame pixels. */
  width: number;
  height: number;
  detScore: number;
}

const side = (a: Pt, b: Pt): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A box found on the detector's map (pixel indices) -> the frame's pixels. */
export function mapQuadToFrame(g: FrameGeometry, quad: Quad): Quad {
  return quad.map(([x, y]) => {
    // A map pixel's centre is at index + 0.5 in input coordinates.
    const [nx, ny] = inputPointToFrame(g, x + 0.5, y + 0.5);
    return [nx * g.frameWidth, ny * g.frameHeight] as Pt;
  }) as Quad;
}

export function toLine(quad: Quad, detScore: number): TextLine | null {
  const [tl, tr, br, bl] = quad;
  const w = Math.max(side(tl, tr), side(bl, br));
  const h = Math.max(side(tl, bl), side(tr, br));
  // PaddleOCR's filter_tag_det_res: boxes 3 px or less on a side are noise.
  if (Math.floor(side(tl, tr)) <= 3 || Math.floor(side(tl, bl)) <= 3) return null;
  if (h / w >= 1.5) return { quad, upright: [tr, br, bl, tl], width: h, height: w, detScore };
  return { quad, upright: quad, width: w, height: h, detScore };
}

export function turnHalf(line: TextLine): TextLine {
  const [a, b, c, d] = line.upright;
  return { ...line, upright: [c, d, a, b] };
}

/** Top to bottom; lines whose tops are within 10 px are ordered left to right. */
export function readingOrder(lines: TextLine[]): TextLine[] {
  const sorted = [...lines].sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0]);
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = sorted[j]!;
      const b = sorted[j + 1]!;
      if (Math.abs(b.quad[0][1] - a.quad[0][1]) < 10 && b.quad[0][0] < a.quad[0][0]) [sorted[j], sorted[j + 1]] = [b, a];
      else break;
    }
  }
  return sorted;
}

/**
 * The middle of a long line, `aspect` heights wide (the whole line when it
 * is shorter): what the angle classifier looks at. Squeezing a long line
 * into the classifier's 4:1 input makes its glyphs unreadable, and it then
 * turns upright lines over.
 */
export function middleOf(line: TextLine, aspect: number): TextLine {
  const share = (aspect * line.height) / line.width;
  if (share >= 1) return line;
  const [tl, tr, br, bl] = line.upright;
  const at = (a: Pt, b: Pt, u: number): Pt => [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u];
  const u0 = 0.5 - share / 2;
  const u1 = 0.5 + share / 2;
  return { ...line, upright: [at(tl, tr, u0), at(tl, tr, u1), at(bl, br, u1), at(bl, br, u0)], width: aspect * line.height };
}

/** The line cut upright from the frame, `height` pixels high and as wide as its aspect asks, up to maxWidth. */
export function cropLine(frame: Frame, line: TextLine, height: number, maxWidth: number): RgbImage {
  const width = Math.max(1, Math.min(maxWidth, Math.ceil((height * line.width) / line.height)));
  return cropCorners(frame, line.upright, width, height);
}
