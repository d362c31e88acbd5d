/**
 * Real frames from real photos: decode a JPEG/PNG with the runtime's own
 * decoder and encode it in the requested pixel format, exactly as the video
 * service would leave it in shared memory.
 */
import { readFileSync } from 'node:fs';
import { encodeFrame } from '../frames/encode.js';
import { decodeImage } from '../image/decode.js';
import { evenCrop } from '../image/infer-frame.js';

export interface EncodedFrame {
  width: number;
  height: number;
  format: string;
  bytes: Uint8Array;
}

export function frameFromImage(imagePath: string, format: string): EncodedFrame {
  // NV12/I420 need even sides: drop a last odd row/column (normalised boxes
  // move by under one pixel), as `ruth-model infer` does.
  const { width, height, data } = evenCrop(decodeImage(readFileSync(imagePath)));
  return { width, height, format, bytes: encodeFrame(data, width, height, format) };
}
