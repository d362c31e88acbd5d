/**
 * A picture → one raw frame file in shared memory, as the video service
 * would leave it, removed again after the request. /dev/shm is the runtime's
 * default allowed root; where it does not exist the OS temp folder is used.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeFrame } from '../frames/encode.js';
import { normaliseFormat } from '../frames/layout.js';
import type { RgbImage } from './decode.js';

export interface TempFrame {
  path: string;
  /** The picture as sent (cropped to even sides for NV12/I420): draw on this one. */
  image: RgbImage;
  width: number;
  height: number;
  format: string;
  remove(): void;
}

/** NV12/I420 need even sides: drop a last odd row or column (under a pixel of shift). */
export function evenCrop(img: RgbImage): RgbImage {
  const width = img.width & ~1;
  const height = img.height & ~1;
  if (width === img.width && height === img.height) return img;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) data.set(img.data.subarray(y * img.width * 3, y * img.width * 3 + width * 3), y * width * 3);
  return { width, height, data };
}

export function writeTempFrame(image: RgbImage, format: string, shmDir = '/dev/shm'): TempFrame {
  const canonical = normaliseFormat(format);
  if (!canonical) throw new Error(`--format ${JSON.stringify(format)} is not one of NV12, I420, RGB24, BGR24, GRAY8`);
  const needsEven = canonical === 'NV12' || canonical === 'I420';
  const img = needsEven ? evenCrop(image) : image;
  const bytes = encodeFrame(img.data, img.width, img.height, canonical);
  const base = existsSync(shmDir) ? shmDir : os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'ruth-infer-'));
  // mkdtemp makes the folder 0700; a model container runs as its own
  // non-root user and must be able to reach the frame, read-only.
  chmodSync(dir, 0o755);
  const file = path.join(dir, 'frame.raw');
  writeFileSync(file, bytes, { mode: 0o644 });
  return {
    path: file,
    image: img,
    width: img.width,
    height: img.height,
    format: canonical,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
