/** Resizing decoded pictures, for tools that make frames of a chosen size from a photo. */
import type { RgbImage } from './decode.js';

/** Bilinear resize of a whole RGB picture (pixel-centre convention). */
export function resizeRgb(img: RgbImage, w: number, h: number): RgbImage {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, ((y + 0.5) * img.height) / h - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, ((x + 0.5) * img.width) / w - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const a = img.data[(y0 * img.width + x0) * 3 + c]! * (1 - fx) + img.data[(y0 * img.width + x1) * 3 + c]! * fx;
        const b = img.data[(y1 * img.width + x0) * 3 + c]! * (1 - fx) + img.data[(y1 * img.width + x1) * 3 + c]! * fx;
        out[(y * w + x) * 3 + c] = Math.round(a * (1 - fy) + b * fy);
      }
    }
  }
  return { width: w, height: h, data: out };
}
