/**
 * Real frames from real photos: decode a JPEG/PNG with the runtime's own
 * decoder and encode it in the requested pixel format, exactly as the video
 * service would leave it in shared memory.
 */
import { readFileSync } from 'node:fs';

const RUNTIME_DIST = new URL('../../runtime/dist/', import.meta.url);

type RgbImage = { width: number; height: number; data: Uint8Array };
type DecodeImage = (bytes: Uint8Array) => RgbImage;
type EvenCrop = (img: RgbImage) => RgbImage;
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
  const { evenCrop } = (await import(new URL('cli/infer-frame.js', RUNTIME_DIST).href)) as { evenCrop: EvenCrop };
  // NV12/I420 need even sides: drop a last odd row/column (normalised boxes
  // move by under one pixel), as `ruth-model infer` does.
  const { width, height, data } = evenCrop(decodeImage(readFileSync(imagePath)));
  return { width, height, format, bytes: encodeFrame(data, width, height, format) };
}
