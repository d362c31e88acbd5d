/**
 * The part of the letterboxed square worth running MoveNet on. A 640×480
 * frame fills 256×192 of the 256×256 input and a 16:9 frame only 256×144;
 * MoveNet takes any sides that are multiples of 32, and its cost grows with
 * the pixel count, so the padding rows (or columns) are cut off down to the
 * next multiple of 32: 256×192 for 4:3 (25% less work), 256×160 for 16:9.
 */
import { contentSize, type FrameGeometry } from '@ruth-ai/model-runtime';

export interface Window {
  x: number;
  y: number;
  w: number;
  h: number;
}

function span(pad: number, content: number, size: number): [number, number] {
  const len = Math.min(size, Math.ceil(content / 32) * 32);
  const start = Math.max(0, Math.min(size - len, pad - Math.floor((len - content) / 2)));
  return [start, len];
}

export function modelWindow(g: FrameGeometry): Window {
  const content = contentSize(g);
  const [x, w] = span(g.padX, content.width, g.inputWidth);
  const [y, h] = span(g.padY, content.height, g.inputHeight);
  return { x, y, w, h };
}

/** Copies the window out of an S-wide uint8 RGB image into int32 (MoveNet's input dtype). */
export function extractWindow(src: Uint8Array, stride: number, win: Window, out: Int32Array): Int32Array {
  for (let y = 0; y < win.h; y++) {
    const from = ((win.y + y) * stride + win.x) * 3;
    const to = y * win.w * 3;
    for (let i = 0; i < win.w * 3; i++) out[to + i] = src[from + i];
  }
  return out;
}
