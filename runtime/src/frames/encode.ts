/**
 * RGB24 → any supported frame format: the inverse of the conversion in
 * ../preprocess (BT.601 studio swing, Y in 16..235, chroma 16..240, chroma
 * averaged over each 2x2 block). Tests, the CLI `infer` command, image tests
 * and benchmarks use it to make real frames from real pictures.
 * Row padding (stride > row bytes) is filled with zeros.
 */
import { frameLayout } from './layout.js';

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

export function rgbToY(r: number, g: number, b: number): number {
  return 16 + 0.256788 * r + 0.504129 * g + 0.097906 * b;
}
export function rgbToU(r: number, g: number, b: number): number {
  return 128 - 0.148223 * r - 0.290993 * g + 0.439216 * b;
}
export function rgbToV(r: number, g: number, b: number): number {
  return 128 + 0.439216 * r - 0.367788 * g - 0.071427 * b;
}

export function encodeFrame(rgb: Uint8Array, width: number, height: number, format: string, stride?: number): Uint8Array {
  const layout = frameLayout(format, width, height, stride);
  if (rgb.length < width * height * 3) {
    throw new RangeError(`encodeFrame: rgb holds ${rgb.length} bytes, ${width}x${height} RGB24 needs ${width * height * 3}`);
  }
  const out = new Uint8Array(layout.byteLength);
  const s = layout.stride;
  switch (layout.format) {
    case 'RGB24':
    case 'BGR24': {
      const swap = layout.format === 'BGR24';
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 3;
          const o = y * s + x * 3;
          out[o] = rgb[swap ? i + 2 : i];
          out[o + 1] = rgb[i + 1];
          out[o + 2] = rgb[swap ? i : i + 2];
        }
      }
      return out;
    }
    case 'GRAY8': {
      // Full-range luma: GRAY8 frames are plain 0..255 grey levels.
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 3;
          out[y * s + x] = clampByte(0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]);
        }
      }
      return out;
    }
    default: {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 3;
          out[y * s + x] = clampByte(rgbToY(rgb[i], rgb[i + 1], rgb[i + 2]));
        }
      }
      const nv12 = layout.format === 'NV12';
      for (let cy = 0; cy < height / 2; cy++) {
        for (let cx = 0; cx < width / 2; cx++) {
          let r = 0;
          let g = 0;
          let b = 0;
          for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
            const i = ((cy * 2 + dy) * width + cx * 2 + dx) * 3;
            r += rgb[i];
            g += rgb[i + 1];
            b += rgb[i + 2];
          }
          r /= 4;
          g /= 4;
          b /= 4;
          if (nv12) {
            const o = layout.uOffset + cy * layout.chromaStride + cx * 2;
            out[o] = clampByte(rgbToU(r, g, b));
            out[o + 1] = clampByte(rgbToV(r, g, b));
          } else {
            out[layout.uOffset + cy * layout.chromaStride + cx] = clampByte(rgbToU(r, g, b));
            out[layout.vOffset + cy * layout.chromaStride + cx] = clampByte(rgbToV(r, g, b));
          }
        }
      }
      return out;
    }
  }
}
