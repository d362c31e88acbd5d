import { describe, expect, it } from 'vitest';
import { computeGeometry, framePointToInput, inputBoxToFrame, inputPointToFrame } from '../src/preprocess/geometry.js';

describe('geometry', () => {
  it('letterbox: one scale, centred content', () => {
    const g = computeGeometry(1920, 1080, { width: 640, height: 640, resize: 'letterbox' });
    expect(g).toMatchObject({ scaleX: 1 / 3, scaleY: 1 / 3, padX: 0, padY: 140, inputWidth: 640, inputHeight: 640 });
    const portrait = computeGeometry(480, 640, { width: 320, height: 320, resize: 'letterbox' });
    expect(portrait).toMatchObject({ scaleX: 0.5, padX: 40, padY: 0 });
  });

  it('stretch: independent scales, no padding', () => {
    expect(computeGeometry(1920, 1080, { width: 256, height: 256, resize: 'stretch' })).toMatchObject({ scaleX: 256 / 1920, scaleY: 256 / 1080, padX: 0, padY: 0 });
  });

  it.each([
    [1920, 1080, 640, 640, 'letterbox'],
    [640, 480, 256, 256, 'stretch'],
    [333, 777, 416, 416, 'letterbox'],
  ] as const)('round trip %ix%i → %ix%i %s', (fw, fh, w, h, resize) => {
    const g = computeGeometry(fw, fh, { width: w, height: h, resize });
    for (const [nx, ny] of [[0, 0], [1, 1], [0.25, 0.75], [0.5, 0.1]]) {
      const [ix, iy] = framePointToInput(g, nx, ny);
      const [bx, by] = inputPointToFrame(g, ix, iy);
      expect(bx).toBeCloseTo(nx, 9);
      expect(by).toBeCloseTo(ny, 9);
    }
  });

  it('inputBoxToFrame maps, orders and clamps to [0, 1]', () => {
    const g = computeGeometry(1920, 1080, { width: 640, height: 640, resize: 'letterbox' });
    // The full content area is the full frame.
    expect(inputBoxToFrame(g, [0, 140, 640, 500])).toEqual([0, 0, 1, 1]);
    // A box in the padding clamps; a reversed box is ordered.
    expect(inputBoxToFrame(g, [320, 600, 160, 0])).toEqual([0.25, 0, 0.5, 1]);
    const [x1, y1, x2, y2] = inputBoxToFrame(g, [64, 176, 128, 320]);
    expect([x1, y1, x2, y2].map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.2, 0.5]);
  });
});
