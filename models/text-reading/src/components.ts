/**
 * The text regions of a DB probability map: 8-connected components of the
 * pixels above the threshold, each given by its boundary pixels (a pixel
 * with a 4-neighbour outside the region). PaddleOCR traces the same regions
 * with OpenCV's findContours; everything it derives from a contour (the
 * minimum-area rectangle) depends only on the convex hull, which the
 * boundary pixels share with the traced contour.
 */
export type Pt = [number, number];

export interface Region {
  boundary: Pt[];
  pixels: number;
}

/** Regions of `map` (w x h, row-major) above `threshold`, within the `roi` [x0, y0, x1, y1) only. */
export function textRegions(map: Float32Array, w: number, h: number, threshold: number, roi: [number, number, number, number], maxRegions: number): Region[] {
  const [rx0, ry0, rx1, ry1] = roi;
  const on = new Uint8Array(w * h);
  for (let y = ry0; y < ry1; y++) for (let x = rx0; x < rx1; x++) if (map[y * w + x] > threshold) on[y * w + x] = 1;
  const isOn = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < w && y < h && on[y * w + x] === 1;
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const regions: Region[] = [];
  for (let start = 0; start < w * h && regions.length < maxRegions; start++) {
    if (!on[start] || seen[start]) continue;
    const boundary: Pt[] = [];
    let pixels = 0;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top];
      const x = p % w;
      const y = (p - x) / w;
      pixels++;
      if (!isOn(x - 1, y) || !isOn(x + 1, y) || !isOn(x, y - 1) || !isOn(x, y + 1)) boundary.push([x, y]);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if ((dx || dy) && isOn(nx, ny) && !seen[ny * w + nx]) {
            seen[ny * w + nx] = 1;
            stack[top++] = ny * w + nx;
          }
        }
      }
    }
    regions.push({ boundary, pixels });
  }
  return regions;
}
