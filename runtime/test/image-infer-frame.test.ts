import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTempFrame } from '../src/image/infer-frame.js';

describe('ruth-model infer: the temporary frame', () => {
  it('is readable by a container running as another user, and removed afterwards', () => {
    const image = { width: 5, height: 3, data: new Uint8Array(5 * 3 * 3).fill(200) };
    const frame = writeTempFrame(image, 'nv12');
    try {
      // NV12 needs even sides: the picture is cropped to 4x2.
      expect([frame.width, frame.height, frame.format]).toEqual([4, 2, 'NV12']);
      expect(statSync(frame.path).size).toBe(4 * 2 * 1.5);
      expect(statSync(path.dirname(frame.path)).mode & 0o777).toBe(0o755);
      expect(statSync(frame.path).mode & 0o044).toBe(0o044);
    } finally {
      frame.remove();
    }
    expect(() => statSync(path.dirname(frame.path))).toThrow();
  });
});
