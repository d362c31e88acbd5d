/**
 * Crops -> one NCHW float32 batch for the classifier or the recogniser:
 * PaddleOCR's resize_norm_img, BGR, (level / 255 - 0.5) / 0.5, each crop
 * left-aligned and the rest of its row zero (mid-grey after normalising).
 */
import type { RgbImage } from '@ruth-ai/model-runtime';

export function batchTensor(crops: readonly RgbImage[], height: number, width: number): Float32Array {
  const plane = height * width;
  const out = new Float32Array(crops.length * 3 * plane);
  crops.forEach((crop, n) => {
    if (crop.height !== height || crop.width > width) throw new Error(`crop ${crop.width}x${crop.height} does not fit ${width}x${height}`);
    const base = n * 3 * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < crop.width; x++) {
        const i = (y * crop.width + x) * 3;
        const o = base + y * width + x;
        out[o] = crop.data[i + 2]! / 127.5 - 1;
        out[o + plane] = crop.data[i + 1]! / 127.5 - 1;
        out[o + 2 * plane] = crop.data[i]! / 127.5 - 1;
      }
    }
  });
  return out;
}
