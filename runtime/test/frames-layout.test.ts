import { describe, expect, it } from 'vitest';
import { frameLayout } from '../src/frames/layout.js';
import { RuntimeError } from '../src/errors/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RuntimeError);
    return (err as RuntimeError).code;
  }
  return undefined;
}

describe('frameLayout', () => {
  it('accepts NV12 in any letter case and computes planes with stride', () => {
    for (const f of ['NV12', 'nv12', 'Nv12']) {
      const l = frameLayout(f, 1920, 1080);
      expect(l).toMatchObject({ format: 'NV12', stride: 1920, uOffset: 1920 * 1080, byteLength: (1920 * 1080 * 3) / 2 });
    }
    const padded = frameLayout('nv12', 1918, 1080, 2048);
    expect(padded).toMatchObject({ stride: 2048, chromaStride: 2048, uOffset: 2048 * 1080, byteLength: 2048 * 1080 * 1.5 });
  });

  it('computes I420, RGB24, BGR24 and GRAY8 sizes', () => {
    expect(frameLayout('i420', 4, 2)).toMatchObject({ format: 'I420', chromaStride: 2, uOffset: 8, vOffset: 10, byteLength: 12 });
    expect(frameLayout('I420', 4, 2, 6)).toMatchObject({ chromaStride: 3, uOffset: 12, vOffset: 15, byteLength: 18 });
    expect(frameLayout('rgb24', 5, 3)).toMatchObject({ format: 'RGB24', stride: 15, byteLength: 45 });
    expect(frameLayout('BGR24', 5, 3, 16)).toMatchObject({ format: 'BGR24', stride: 16, byteLength: 48 });
    expect(frameLayout('gray8', 5, 3)).toMatchObject({ format: 'GRAY8', stride: 5, byteLength: 15 });
  });

  it.each([
    ['zero width', () => frameLayout('NV12', 0, 2)],
    ['negative height', () => frameLayout('NV12', 2, -2)],
    ['fractional width', () => frameLayout('RGB24', 2.5, 2)],
    ['huge width', () => frameLayout('GRAY8', 16386, 2)],
    ['string height', () => frameLayout('GRAY8', 2, '2' as unknown as number)],
    ['stride below the row size', () => frameLayout('RGB24', 10, 2, 29)],
    ['fractional stride', () => frameLayout('NV12', 10, 2, 10.5)],
  ])('INVALID_DIMENSIONS for %s', (_name, fn) => {
    expect(codeOf(fn)).toBe('INVALID_DIMENSIONS');
  });

  it('ODD_DIMENSIONS for NV12 and I420 with odd sides, not for packed formats', () => {
    expect(codeOf(() => frameLayout('nv12', 641, 480))).toBe('ODD_DIMENSIONS');
    expect(codeOf(() => frameLayout('I420', 640, 481))).toBe('ODD_DIMENSIONS');
    expect(codeOf(() => frameLayout('RGB24', 641, 481))).toBeUndefined();
  });

  it('UNSUPPORTED_FORMAT names the value received', () => {
    expect(codeOf(() => frameLayout('YUYV', 2, 2))).toBe('UNSUPPORTED_FORMAT');
    expect(() => frameLayout('YUYV', 2, 2)).toThrow(/"YUYV"/);
    expect(codeOf(() => frameLayout('', 2, 2))).toBe('UNSUPPORTED_FORMAT');
  });
});
