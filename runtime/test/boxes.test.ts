import { describe, expect, it } from 'vitest';
import { boxIou } from '../src/index.js';

describe('boxIou', () => {
  it('is 1 for the same box, 0 for boxes that only touch, and the overlap ratio otherwise', () => {
    expect(boxIou([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(boxIou([0, 0, 0.5, 1], [0.5, 0, 1, 1])).toBe(0);
    // 0.25 x 0.25 overlap of two 0.5 x 0.5 boxes: 0.0625 / (0.25 + 0.25 - 0.0625).
    expect(boxIou([0, 0, 0.5, 0.5], [0.25, 0.25, 0.75, 0.75])).toBeCloseTo(0.0625 / 0.4375, 12);
    // Pixel boxes, and a box inside another: inner area / outer area.
    expect(boxIou([10, 10, 110, 60], [35, 20, 85, 45])).toBeCloseTo((50 * 25) / (100 * 50), 12);
  });

  it('is symmetric', () => {
    const a = [3, 4, 40, 50];
    const b = [20, 1, 70, 30];
    expect(boxIou(a, b)).toBe(boxIou(b, a));
  });

  it('gives 0, never NaN, for empty or inverted boxes', () => {
    expect(boxIou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
    expect(boxIou([0.5, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0);
    expect(boxIou([1, 1, 0, 0], [0, 0, 1, 1])).toBe(0);
  });
});
