/**
 * Squares of the original frame for a closer look. A square is given in
 * model-input pixels (where detectPeople works) and cut from the frame at
 * full resolution: a person 80 px tall in a 1080p frame is 11 px in the
 * 256-px input, and enlarging those 11 px cannot bring back what the
 * letterbox threw away.
 */
import { cropCorners, type Frame, type FrameGeometry } from '@ruth-ai/model-runtime';
import type { FrameBox } from './motion.js';
import type { Box, Square } from './zoom.js';

/** Cuts `sq` (input pixels) out of the frame into an n×n int32 RGB image (MoveNet's dtype). */
export type CropFrame = (sq: Square, n: number) => Int32Array;

export function frameCropper(frame: Frame, g: FrameGeometry): CropFrame {
  const toFrame = (x: number, y: number): [number, number] => [(x - g.padX) / g.scaleX, (y - g.padY) / g.scaleY];
  return (sq, n) => {
    const tl = toFrame(sq.x, sq.y);
    const br = toFrame(sq.x + sq.side, sq.y + sq.side);
    const rgb = cropCorners(frame, [tl, [br[0], tl[1]], br, [tl[0], br[1]]], n, n);
    return Int32Array.from(rgb.data);
  };
}

/** A box in frame pixels → model-input pixels. */
export function frameBoxToInput(b: FrameBox, g: FrameGeometry): Box {
  return [b[0] * g.scaleX + g.padX, b[1] * g.scaleY + g.padY, b[2] * g.scaleX + g.padX, b[3] * g.scaleY + g.padY];
}
