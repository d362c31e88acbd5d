/**
 * A minimal RGB24 canvas for annotated pictures: filled rectangles, thick
 * lines, dots and bitmap text, all clipped to the picture. Enough to draw
 * boxes, skeletons and labels without a native graphics library.
 */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './bitmap-font.js';
import type { RgbImage } from './decode.js';

export type Rgb = readonly [number, number, number];

export class Canvas {
  constructor(readonly image: RgbImage) {}

  get width(): number {
    return this.image.width;
  }
  get height(): number {
    return this.image.height;
  }

  fillRect(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    const { width: w, height: h, data } = this.image;
    const xa = Math.max(0, Math.floor(Math.min(x0, x1)));
    const xb = Math.min(w - 1, Math.ceil(Math.max(x0, x1)));
    const ya = Math.max(0, Math.floor(Math.min(y0, y1)));
    const yb = Math.min(h - 1, Math.ceil(Math.max(y0, y1)));
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const o = (y * w + x) * 3;
        data[o] = c[0];
        data[o + 1] = c[1];
        data[o + 2] = c[2];
      }
    }
  }

  /** An outlined rectangle with the stroke inside the box. */
  strokeRect(x0: number, y0: number, x1: number, y1: number, thickness: number, c: Rgb): void {
    const t = Math.max(1, thickness) - 1;
    this.fillRect(x0, y0, x1, y0 + t, c);
    this.fillRect(x0, y1 - t, x1, y1, c);
    this.fillRect(x0, y0, x0 + t, y1, c);
    this.fillRect(x1 - t, y0, x1, y1, c);
  }

  dot(cx: number, cy: number, radius: number, c: Rgb): void {
    const r2 = radius * radius;
    for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++) {
      for (let dx = -Math.ceil(radius); dx <= Math.ceil(radius); dx++) {
        if (dx * dx + dy * dy <= r2) this.fillRect(cx + dx, cy + dy, cx + dx, cy + dy, c);
      }
    }
  }

  /** A line as a run of dots: simple, and thick lines need no special caps. */
  line(x0: number, y0: number, x1: number, y1: number, thickness: number, c: Rgb): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
    const r = Math.max(0.5, thickness / 2);
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      this.dot(Math.round(x0 + (x1 - x0) * t), Math.round(y0 + (y1 - y0) * t), r, c);
    }
  }

  /** Text at (x, y) = top-left, `scale` pixels per font pixel. */
  text(x: number, y: number, text: string, scale: number, c: Rgb): void {
    let cx = x;
    for (const ch of text) {
      const rows = glyph(ch);
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if (rows[row]! & (1 << (GLYPH_WIDTH - 1 - col))) {
            this.fillRect(cx + col * scale, y + row * scale, cx + (col + 1) * scale - 1, y + (row + 1) * scale - 1, c);
          }
        }
      }
      cx += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** A label: text on a filled background, placed above (y) or inside the top when there is no room. */
  label(x: number, y: number, text: string, scale: number, fg: Rgb, bg: Rgb): void {
    const pad = scale;
    const w = textWidth(text, scale) + 2 * pad;
    const h = GLYPH_HEIGHT * scale + 2 * pad;
    const top = y - h >= 0 ? y - h : y;
    const left = Math.min(Math.max(0, x), Math.max(0, this.width - w));
    this.fillRect(left, top, left + w - 1, top + h - 1, bg);
    this.text(left + pad, top + pad, text, scale, fg);
  }
}
