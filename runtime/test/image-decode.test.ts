/**
 * The infer CLI's picture handling: JPEG and PNG decode (pure JS), EXIF
 * orientation, and drawing detections on the picture.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { annotate } from '../src/image/annotate.js';
import { decodeImage, sniffImageType } from '../src/image/decode.js';
import { encodePng } from '../src/image/encode-png.js';
import { jpegOrientation } from '../src/image/exif-orientation.js';

/** A w×h RGBA picture: left half red, right half blue. */
function halves(w: number, h: number): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      data[o] = x < w / 2 ? 255 : 0;
      data[o + 2] = x < w / 2 ? 0 : 255;
      data[o + 3] = 255;
    }
  }
  return data;
}

/** Inserts an APP1 Exif segment holding only the Orientation tag after SOI. */
function withOrientation(jpg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const seg = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpg.subarray(0, 2), seg, jpg.subarray(2)]);
}

function pixel(img: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const o = (y * img.width + x) * 3;
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
}

describe('decodeImage', () => {
  const jpg = jpeg.encode({ width: 40, height: 20, data: halves(40, 20) }, 95).data;

  it('decodes a JPEG to packed RGB', () => {
    expect(sniffImageType(jpg)).toBe('jpeg');
    const img = decodeImage(jpg);
    expect([img.width, img.height, img.data.length]).toEqual([40, 20, 40 * 20 * 3]);
    expect(pixel(img, 5, 10)[0]).toBeGreaterThan(200); // red on the left
    expect(pixel(img, 35, 10)[2]).toBeGreaterThan(200); // blue on the right
  });

  it('applies EXIF orientation 6 (turn 90° clockwise): red ends up on top', () => {
    const turned = withOrientation(jpg, 6);
    expect(jpegOrientation(turned)).toBe(6);
    const img = decodeImage(turned);
    expect([img.width, img.height]).toEqual([20, 40]);
    expect(pixel(img, 10, 5)[0]).toBeGreaterThan(200);
    expect(pixel(img, 10, 35)[2]).toBeGreaterThan(200);
  });

  it('decodes a PNG, compositing transparency over white', () => {
    const png = new PNG({ width: 4, height: 2 });
    png.data = halves(4, 2);
    png.data[3] = 0; // top-left fully transparent
    const img = decodeImage(PNG.sync.write(png));
    expect([img.width, img.height]).toEqual([4, 2]);
    expect(pixel(img, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(img, 3, 1)).toEqual([0, 0, 255]);
  });

  it('refuses bytes that are neither', () => {
    expect(() => decodeImage(Buffer.from('GIF89a....'))).toThrow(/not a JPEG or PNG/);
  });
});

describe('annotate', () => {
  it('draws a fall box in red, a person box in green, and the skeleton, and round-trips as PNG', () => {
    const img = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 3).fill(128) };
    annotate(img, [
      { class_id: 0, class_name: 'fall', confidence: 0.9, bbox: [0.1, 0.5, 0.45, 0.95], track_id: null },
      {
        class_id: 1, class_name: 'person', confidence: 0.5, bbox: [0.6, 0.2, 0.8, 0.9], track_id: null,
        keypoints: [{ name: 'left_shoulder', x: 0.65, y: 0.4, score: 0.9 }, { name: 'left_hip', x: 0.65, y: 0.7, score: 0.9 }],
      },
    ]);
    expect(pixel(img, 20, 80)).toEqual([230, 30, 30]); // left edge of the fall box
    expect(pixel(img, 160, 60)).toEqual([40, 200, 60]); // right edge of the person box
    expect(pixel(img, 130, 55)).toEqual([255, 220, 0]); // on the shoulder-hip bone
    expect(pixel(img, 100, 30)).toEqual([128, 128, 128]); // untouched background
    const back = decodeImage(encodePng(img));
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('draws a text line along its polygon, not its box, and labels it with the text read', () => {
    // A diamond whose bbox corners lie off the outline.
    const polygon = [[0.5, 0.3], [0.8, 0.6], [0.5, 0.9], [0.2, 0.6]];
    const draw = (text?: string) => {
      const img = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 3).fill(128) };
      annotate(img, [{ class_id: 0, class_name: 'text', confidence: 0.97, bbox: [0.2, 0.3, 0.8, 0.9], track_id: null, polygon, ...(text ? { text } : {}) }]);
      return img;
    };
    const img = draw('A');
    const c = [30, 120, 240];
    expect(pixel(img, 130, 45)).toEqual(c); // on the edge from (100, 30) to (160, 60)
    expect(pixel(img, 42, 88)).toEqual([128, 128, 128]); // the bbox's bottom-left corner: no rectangle drawn
    expect(pixel(img, 100, 60)).toEqual([128, 128, 128]); // inside the polygon
    // The label above the box reads "A 0.97" (6 glyphs), shorter than "text 0.97" (9) without text.
    const labelWidth = (im: { width: number; data: Uint8Array }) => Array.from({ length: 200 }, (_, x) => pixel(im, x, 20)).filter((p) => p.join() === c.join()).length;
    expect(labelWidth(img)).toBeGreaterThan(0);
    expect(labelWidth(img)).toBeLessThan(labelWidth(draw()));
  });
});
