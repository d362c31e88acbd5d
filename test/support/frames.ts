/**
 * Real frames from real photos: decode a JPEG/PNG with the runtime's own
 * decoder and encode it in the requested pixel format, exactly as the video
 * service would leave it in shared memory.
 */
import { readFileSync } from 'node:fs';

const RUNTIME_DIST = new URL('../../runtime/dist/', import.meta.url);

type DecodeImage = (bytes: Uint8Array) => { width: number; height: number; data: Uint8Array };
type EncodeFrame = (rgb: Uint8Array, width: number, height: number, format: string, stride?: number) => Uint8Array;

export interface EncodedFrame {
  width: number;
  height: number;
  format: string;
  bytes: Uint8Array;
}

export async function frameFromImage(imagePath: string, format: string): Promise<EncodedFrame> {
  const { decodeImage } = (await import(new URL('image/decode.js', RUNTIME_DIST).href)) as { decodeImage: DecodeImage };
  const { encodeFrame } = (await import(new URL('frames/encode.js', RUNTIME_DIST).href)) as { encodeFrame: EncodeFrame };
  const img = decodeImage(readFileSync(imagePath));
  // NV12/I420 need even sides: drop a last odd row/column (normalised boxes
  // move by under one pixel).
  const width = img.width & ~1;
  const height = img.height & ~1;
  let rgb = img.data;
  if (width !== img.width || height !== img.height) {
    rgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) rgb.set(img.data.subarray(y * img.width * 3, y * img.width * 3 + width * 3), y * width * 3);
  }
  return { width, height, format, bytes: encodeFrame(rgb, width, height, format) };
}
