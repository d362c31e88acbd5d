/**
 * How a frame maps onto the model input and back. Model authors use
 * inputBoxToFrame / inputPointToFrame to turn boxes found in input pixels into
 * the contract's normalised, top-left-origin frame coordinates.
 *
 *   letterbox: one scale s = min(W/fw, H/fh); the content is round(fw*s) x
 *              round(fh*s), centred (padX/padY whole pixels, left/top).
 *   stretch:   scaleX = W/fw, scaleY = H/fh, no padding.
 *
 * Input pixel x covers [x, x+1); frame coordinate = (x - padX) / scaleX.
 */
import type { FrameGeometry } from '../api/model.js';
import type { ResizeMode } from '../config/model-config.js';
import type { BBox } from '../api/wire.js';

export interface GeometrySpec {
  width: number;
  height: number;
  resize: ResizeMode;
}

/** Input pixels that `frameSide` frame pixels cover at scale `s`: at least 1, at most the input's side. */
function fitted(frameSide: number, s: number, inputSide: number): number {
  return Math.min(inputSide, Math.max(1, Math.round(frameSide * s)));
}

export function computeGeometry(frameW: number, frameH: number, spec: GeometrySpec): FrameGeometry {
  const W = spec.width;
  const H = spec.height;
  if (spec.resize === 'stretch') {
    return { frameWidth: frameW, frameHeight: frameH, inputWidth: W, inputHeight: H, resize: 'stretch', scaleX: W / frameW, scaleY: H / frameH, padX: 0, padY: 0 };
  }
  const s = Math.min(W / frameW, H / frameH);
  const contentW = fitted(frameW, s, W);
  const contentH = fitted(frameH, s, H);
  return {
    frameWidth: frameW,
    frameHeight: frameH,
    inputWidth: W,
    inputHeight: H,
    resize: 'letterbox',
    scaleX: s,
    scaleY: s,
    padX: Math.floor((W - contentW) / 2),
    padY: Math.floor((H - contentH) / 2),
  };
}

/** Width and height, in input pixels, of the region that holds the frame. */
export function contentSize(g: FrameGeometry): { width: number; height: number } {
  if (g.resize === 'stretch') return { width: g.inputWidth, height: g.inputHeight };
  return {
    width: fitted(g.frameWidth, g.scaleX, g.inputWidth),
    height: fitted(g.frameHeight, g.scaleY, g.inputHeight),
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : Number.isNaN(v) ? 0 : v;
}

/** A point in input pixels → [nx, ny] normalised to the original frame, clamped to [0, 1]. */
export function inputPointToFrame(g: FrameGeometry, x: number, y: number): [number, number] {
  return [clamp01((x - g.padX) / g.scaleX / g.frameWidth), clamp01((y - g.padY) / g.scaleY / g.frameHeight)];
}

/** A box [x1, y1, x2, y2] in input pixels → the contract's normalised bbox, clamped and ordered. */
export function inputBoxToFrame(g: FrameGeometry, box: readonly [number, number, number, number] | readonly number[]): BBox {
  const [ax, ay] = inputPointToFrame(g, box[0], box[1]);
  const [bx, by] = inputPointToFrame(g, box[2], box[3]);
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
}

/** The inverse: a normalised frame point → input pixels (for tests and tools). */
export function framePointToInput(g: FrameGeometry, nx: number, ny: number): [number, number] {
  return [nx * g.frameWidth * g.scaleX + g.padX, ny * g.frameHeight * g.scaleY + g.padY];
}
