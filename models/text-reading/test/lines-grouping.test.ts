/**
 * The two grouping rules around recognition, on hand-made lines: words of
 * one line joined after reading (src/words.ts), and crops batched by width
 * (widthBuckets in src/stages.ts).
 */
import { describe, expect, it } from 'vitest';
import { toLine, turnHalf, type TextLine } from '../src/lines.js';
import type { Quad } from '../src/quad.js';
import { widthBuckets } from '../src/stages.js';
import { continues, joinWords, type ReadLine } from '../src/words.js';

/** A level box from x0 to x1, top y, height h. */
function box(x0: number, x1: number, y: number, h: number): TextLine {
  const quad: Quad = [[x0, y], [x1, y], [x1, y + h], [x0, y + h]];
  return toLine(quad, 0.9)!;
}
const read = (line: TextLine, text: string, score = 0.9): ReadLine => ({ line, text, score });

describe('joining the words of a line', { timeout: 5_000 }, () => {
  it('joins two words on one line with a gap under half their height, left to right', () => {
    const out = joinWords([read(box(120, 200, 10, 30), 'Hire', 0.8), read(box(0, 110, 10, 30), 'Private', 1)]);
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toBe('Private Hire');
    expect(out[0]!.line.quad).toEqual([[0, 10], [200, 10], [200, 40], [0, 40]]);
    expect(out[0]!.line.width).toBe(200);
    // Weighted by characters: (7 * 1 + 4 * 0.8) / 11.
    expect(out[0]!.score).toBeCloseTo((7 + 3.2) / 11, 6);
  });

  it('joins three words into one line', () => {
    const out = joinWords([read(box(0, 50, 0, 20), 'a'), read(box(55, 100, 0, 20), 'b'), read(box(105, 150, 0, 20), 'c')]);
    expect(out.map((r) => r.text)).toEqual(['a b c']);
  });

  it('keeps apart words with a wide gap, lines above one another, and lines of very different height', () => {
    expect(continues(box(0, 100, 0, 30), box(116, 200, 0, 30))).toBe(false); // gap 16 > 15
    expect(continues(box(0, 100, 0, 30), box(114, 200, 0, 30))).toBe(true);
    expect(continues(box(0, 100, 0, 30), box(105, 200, 20, 30))).toBe(false); // centre 20 below
    expect(continues(box(0, 100, 0, 30), box(105, 200, 0, 12))).toBe(false); // 30 vs 12 high
    expect(continues(box(105, 200, 0, 30), box(0, 100, 0, 30))).toBe(false); // b is left of a
  });

  it('keeps apart boxes that overlap along the line (two tilted lines of a page)', () => {
    expect(continues(box(0, 400, 0, 30), box(100, 500, 5, 30))).toBe(false);
  });

  it('leaves vertical and turned-over lines alone', () => {
    const vertical = toLine([[0, 0], [20, 0], [20, 100], [0, 100]], 0.9)!;
    const below = toLine([[0, 105], [20, 105], [20, 200], [0, 200]], 0.9)!;
    expect(joinWords([read(vertical, 'up'), read(below, 'down')])).toHaveLength(2);
    const turned = turnHalf(box(0, 100, 0, 30));
    expect(joinWords([read(turned, 'x'), read(box(105, 200, 0, 30), 'y')])).toHaveLength(2);
  });
});

describe('recognition batches by width', { timeout: 5_000 }, () => {
  it('groups crops within 25% of the narrowest, narrowest first, at most the batch size', () => {
    expect(widthBuckets([100, 400, 120, 125, 130, 500], 8)).toEqual([[0, 2, 3], [4], [1, 5]]);
    expect(widthBuckets([100, 100, 100], 2)).toEqual([[0, 1], [2]]);
    expect(widthBuckets([], 8)).toEqual([]);
  });
});
