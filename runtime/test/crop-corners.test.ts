/**
 * cropCorners: a region of the original frame, turned upright. A frame with
 * a known pattern (left half red, right half blue, NV12 like the video
 * service sends) is cropped straight, turned a quarter and turned over; the
 * colours must land where the turn puts them.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/frames/encode.js';
import { frameLayout } from '../src/frames/layout.js';
import { cropCorners, type Corners } from '../src/preprocess/crop-corners.js';

const W = 64;
const H = 32;
function frame() {
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set(x < W / 2 ? [220, 30, 30] : [30, 30, 220], (y * W + x) * 3);
  return { layout: frameLayout('NV12', W, H), data: encodeFrame(rgb, W, H, 'NV12') };
}
const at = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const isRed = (p: number[]) => p[0]! > 150 && p[2]! < 90;
const isBlue = (p: number[]) => p[2]! > 150 && p[0]! < 90;

describe('cropCorners', () => {
  it('crops a straight region, scaled to the output size', () => {
    const img = cropCorners(frame(), [[8, 4], [56, 4], [56, 28], [8, 28]], 24, 12);
    expect(img).toMatchObject({ width: 24, height: 12 });
    expect(isRed(at(img, 2, 6))).toBe(true);
    expect(isBlue(at(img, 21, 6))).toBe(true);
  });

  it('turns a region: corners given from the bottom-left read the frame a quarter turned', () => {
    // Reading order bottom-left -> top-left: the output's x runs up the frame, its y runs right.
    const corners: Corners = [[8, 28], [8, 4], [56, 4], [56, 28]];
    const img = cropCorners(frame(), corners, 12, 24);
    expect(isRed(at(img, 6, 2))).toBe(true); // near the first corner: the frame's left
    expect(isBlue(at(img, 6, 21))).toBe(true); // far down the output: the frame's right
  });

  it('turns a region over (180°) when the corners start at the bottom-right', () => {
    const img = cropCorners(frame(), [[56, 28], [8, 28], [8, 4], [56, 4]], 24, 12);
    expect(isBlue(at(img, 2, 6))).toBe(true);
    expect(isRed(at(img, 21, 6))).toBe(true);
  });

  it('clamps corners outside the frame to its edge, and refuses a bad size', () => {
    const img = cropCorners(frame(), [[-10, -10], [80, -10], [80, 50], [-10, 50]], 8, 4);
    expect(img.data.length).toBe(8 * 4 * 3);
    expect(() => cropCorners(frame(), [[0, 0], [1, 0], [1, 1], [0, 1]], 0, 4)).toThrow(RangeError);
    expect(() => cropCorners(frame(), [[0, 0], [Number.NaN, 0], [1, 1], [0, 1]], 4, 4)).toThrow(/finite/);
  });
});
