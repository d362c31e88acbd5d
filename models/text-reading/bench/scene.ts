/**
 * The bench's frame: a 1280×720 mosaic of four fixture photos (a street
 * sign, a shop sign, a biscuit box, a footballer's shirt), each fitted into
 * a 640×360 quarter on grey: about ten lines of real scene text of mixed
 * sizes and angles, like a camera watching a shop front.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImage, resizeRgb, type RgbImage } from '@ruth-ai/model-runtime/image';

export const SCENE_PHOTOS = ['notice-sign.jpg', 'copy-centre-sign.jpg', 'cookie-box.png', 'unicef-shirt.jpg'];

export function benchScene(imagesDir: string, width = 1280, height = 720): RgbImage {
  const out = new Uint8Array(width * height * 3).fill(128);
  const cellW = width / 2;
  const cellH = height / 2;
  SCENE_PHOTOS.forEach((file, i) => {
    const img = decodeImage(readFileSync(path.join(imagesDir, file)));
    const s = Math.min(cellW / img.width, cellH / img.height);
    const w = Math.round(img.width * s);
    const h = Math.round(img.height * s);
    const small = resizeRgb(img, w, h);
    const x0 = (i % 2) * cellW + Math.floor((cellW - w) / 2);
    const y0 = Math.floor(i / 2) * cellH + Math.floor((cellH - h) / 2);
    for (let y = 0; y < h; y++) out.set(small.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * width + x0) * 3);
  });
  return { width, height, data: out };
}
