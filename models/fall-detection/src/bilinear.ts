/**
 * One bilinear RGB sample, shared by the zoomed crops (zoom.ts) and the
 * turned views (turn-view.ts): the four pixels (xa, ya), (xb, ya), (xa, yb),
 * (xb, yb) of a uint8 RGB image `stride` pixels wide, blended by the
 * fractions fx, fy and rounded into out[o..o+2] (MoveNet's int32 input).
 */
export function blendRgb(src: Uint8Array, stride: number, xa: number, ya: number, xb: number, yb: number, fx: number, fy: number, out: Int32Array, o: number): void {
  const a = (ya * stride + xa) * 3;
  const b = (ya * stride + xb) * 3;
  const c = (yb * stride + xa) * 3;
  const d = (yb * stride + xb) * 3;
  for (let ch = 0; ch < 3; ch++) {
    const top = src[a + ch] + (src[b + ch] - src[a + ch]) * fx;
    const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * fx;
    out[o + ch] = Math.round(top + (bottom - top) * fy);
  }
}
