/**
 * JPEG / PNG bytes → packed RGB24, with pure-JS decoders (jpeg-js, pngjs) so
 * the runtime image stays free of native image libraries. JPEG EXIF
 * orientation is applied, so what is sent and drawn is what a viewer shows.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { jpegOrientation } from './exif-orientation.js';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, R G B, rows top to bottom. */
  data: Uint8Array;
}

/** Large enough for 8K photos; jpeg-js refuses bigger ones up front. */
const MAX_MEGAPIXELS = 40;

export function sniffImageType(bytes: Uint8Array): 'jpeg' | 'png' | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  return null;
}

export function decodeImage(bytes: Uint8Array): RgbImage {
  const type = sniffImageType(bytes);
  if (type === 'jpeg') {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
    return applyOrientation({ width: img.width, height: img.height, data: img.data }, jpegOrientation(bytes));
  }
  if (type === 'png') {
    // pngjs expands palette, grey and 16-bit images to 8-bit RGBA.
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: rgbaToRgb(png.data, png.width * png.height) };
  }
  throw new Error('not a JPEG or PNG image (unrecognised signature)');
}

/** Drops alpha, compositing over white so transparent areas do not turn black. */
function rgbaToRgb(rgba: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0; i < pixels * 4; i += 4, o += 3) {
    const a = rgba[i + 3];
    if (a === 255) {
      out[o] = rgba[i];
      out[o + 1] = rgba[i + 1];
      out[o + 2] = rgba[i + 2];
    } else {
      const k = a / 255;
      out[o] = Math.round(rgba[i] * k + 255 * (1 - k));
      out[o + 1] = Math.round(rgba[i + 1] * k + 255 * (1 - k));
      out[o + 2] = Math.round(rgba[i + 2] * k + 255 * (1 - k));
    }
  }
  return out;
}

/**
 * EXIF orientations 2..8: mirror and/or rotate. Each output pixel (x, y) reads
 * the stored pixel given by the inverse mapping.
 */
export function applyOrientation(img: RgbImage, orientation: number): RgbImage {
  if (orientation <= 1 || orientation > 8) return img;
  const { width: w, height: h, data } = img;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * 3);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = h - 1 - x; break;
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;
        default: sx = w - 1 - y; sy = x; break; // 8
      }
      const i = (sy * w + sx) * 3;
      const o = (y * ow + x) * 3;
      out[o] = data[i];
      out[o + 1] = data[i + 1];
      out[o + 2] = data[i + 2];
    }
  }
  return { width: ow, height: oh, data: out };
}
