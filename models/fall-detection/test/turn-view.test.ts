/**
 * Views turned by any angle (src/turn-view.ts): quarter turns agree with the
 * exact index permutation of rotate.ts, and every view maps back.
 */
import { describe, expect, it } from 'vitest';
import { rotateImage } from '../src/rotate.js';
import { poseToInput, turnedView } from '../src/turn-view.js';
import { extractWindow } from '../src/window.js';

const S = 64;
const input = Uint8Array.from({ length: S * S * 3 }, (_, i) => (i * 37 + (i >> 5)) % 251);
const win = { x: 0, y: 16, w: 64, h: 32 };

describe('turned views', () => {
  it('match the exact quarter turns', () => {
    const window = extractWindow(input, S, win, new Int32Array(win.w * win.h * 3));
    for (const [angle, turn] of [[90, 'cw'], [-90, 'ccw']] as const) {
      const view = turnedView(input, S, win, angle);
      expect([view.width, view.height]).toEqual([win.h, win.w]);
      expect(Array.from(view.image)).toEqual(Array.from(rotateImage(window, win.w, win.h, turn, new Int32Array(window.length))));
    }
  });

  it('hold the whole window at a slant, on a canvas of multiples of 32', () => {
    const view = turnedView(input, S, win, 45);
    expect(view.width % 32).toBe(0);
    expect(view.height % 32).toBe(0);
    // The window's corners land inside the view.
    for (const [x, y] of [[0, 16], [64, 16], [64, 48], [0, 48]]) {
      const [u, v] = invert(view, x!, y!);
      expect(u).toBeGreaterThanOrEqual(-1e-9);
      expect(v).toBeGreaterThanOrEqual(-1e-9);
      expect(u).toBeLessThanOrEqual(view.width + 1e-9);
      expect(v).toBeLessThanOrEqual(view.height + 1e-9);
    }
  });

  it('map poses back to the input', () => {
    const view = turnedView(input, S, win, 30);
    const [u, v] = invert(view, 20, 30);
    const kp = { x: u, y: v, score: 0.9 };
    const back = poseToInput({ keypoints: [kp, { ...kp, x: u + 4 }], score: 0.5, box: [u - 2, v - 2, u + 6, v + 2] }, view, 30);
    expect(back.keypoints[0]!.x).toBeCloseTo(20, 6);
    expect(back.keypoints[0]!.y).toBeCloseTo(30, 6);
    expect(back.box[0]).toBeLessThanOrEqual(20);
    expect(back.box[2]).toBeGreaterThanOrEqual(20);
  });
});

/** Input point → view point, by bisection-free algebra: toInput is a rotation plus a shift. */
function invert(view: ReturnType<typeof turnedView>, x: number, y: number): [number, number] {
  const [ox, oy] = view.toInput(0, 0);
  const [ux, uy] = view.toInput(1, 0);
  const [vx, vy] = view.toInput(0, 1);
  // [x - ox, y - oy] = u·(ux - ox, uy - oy) + v·(vx - ox, vy - oy)
  const a = ux - ox, b = vx - ox, c = uy - oy, d = vy - oy;
  const det = a * d - b * c;
  return [((x - ox) * d - b * (y - oy)) / det, (a * (y - oy) - c * (x - ox)) / det];
}
