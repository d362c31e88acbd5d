/**
 * The per-camera motion map (src/motion.ts) on real photos: a real person cut
 * from one photo walks across another, frame by frame, as a fixed camera
 * would see them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeFrame, frameLayout, type Frame } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb, type RgbImage } from '@ruth-ai/model-runtime/image';
import { MotionTracker, type FrameBox } from '../src/motion.js';
import { explainedShare, movingSquare, readWindow, splitWide } from '../src/moving-people.js';

const W = 640;
const H = 480;
const OPTS = { threshold: 14, learnRate: 0.1 };
const image = (name: string, w: number, h: number): RgbImage =>
  resizeRgb(decodeImage(readFileSync(fileURLToPath(new URL(`./images/${name}`, import.meta.url)))), w, h);

const ground = image('no-one-horses.jpg', W, H);
const walker = image('person-standing.jpg', 40, 100);

/** The ground with the walker pasted at (x, 300). */
function scene(x: number, format = 'NV12'): Frame {
  const rgb = Uint8Array.from(ground.data);
  for (let y = 0; y < walker.height; y++) {
    rgb.set(walker.data.subarray(y * walker.width * 3, (y + 1) * walker.width * 3), ((300 + y) * W + x) * 3);
  }
  return { layout: frameLayout(format, W, H), data: encodeFrame(rgb, W, H, format) };
}

const contains = (b: FrameBox, x: number, y: number): boolean => b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3];

/** Feeds the walker moving 6 px per frame from x = 100 and returns the last frame's boxes. */
function walk(tracker: MotionTracker, camera: string, frames: number, format = 'NV12'): { boxes: FrameBox[]; x: number } {
  let boxes: FrameBox[] = [];
  let x = 100;
  for (let i = 0; i < frames; i++, x += 6) boxes = tracker.update(camera, scene(x, format), OPTS);
  return { boxes, x: x - 6 };
}

describe('motion map', () => {
  it('reports nothing on a camera\'s first frame, then a box on the person walking', () => {
    const tracker = new MotionTracker();
    expect(tracker.update('cam', scene(100), OPTS)).toEqual([]);
    const { boxes, x } = walk(tracker, 'cam', 30);
    expect(boxes.length).toBeGreaterThan(0);
    const biggest = boxes[0]!;
    expect(contains(biggest, x + 20, 350)).toBe(true);
    // About the walker's size, not the frame's.
    expect(biggest[2] - biggest[0]).toBeLessThan(160);
    expect(biggest[3] - biggest[1]).toBeLessThan(160);
  });

  it('reports nothing on a still scene', () => {
    const tracker = new MotionTracker();
    for (let i = 0; i < 5; i++) expect(tracker.update('cam', scene(100), OPTS)).toEqual([]);
  });

  it('starts again on a scene change instead of reporting the whole frame', () => {
    const tracker = new MotionTracker();
    walk(tracker, 'cam', 10);
    const other = image('two-people-indoor.jpg', W, H);
    expect(tracker.update('cam', { layout: frameLayout('NV12', W, H), data: encodeFrame(Uint8Array.from(other.data), W, H, 'NV12') }, OPTS)).toEqual([]);
  });

  it('keeps each camera apart', () => {
    const tracker = new MotionTracker();
    walk(tracker, 'a', 30);
    expect(tracker.update('b', scene(400), OPTS)).toEqual([]);
    expect(tracker.update('b', scene(400), OPTS)).toEqual([]);
  });

  it('reads packed RGB and grey frames the same way as NV12', () => {
    const nv12 = walk(new MotionTracker(), 'cam', 30).boxes[0]!;
    for (const format of ['RGB24', 'BGR24', 'GRAY8']) {
      const b = walk(new MotionTracker(), 'cam', 30, format).boxes[0]!;
      b.forEach((v, i) => expect(Math.abs(v - nv12[i]!)).toBeLessThanOrEqual(8));
    }
  });
});

describe('moving squares', () => {
  it('never enlarge the frame more than 1.5x, and stay inside the input', () => {
    // 1080p into a 256 input: 0.1333 input px per frame px; a 12x30 px box.
    const scale = 256 / 1920;
    const sq = movingSquare([100, 100, 112, 130], scale, 256);
    expect(sq.side / scale).toBeGreaterThanOrEqual(128 / 1.5 - 1e-9);
    const edge = movingSquare([250, 250, 256, 256], scale, 256);
    expect(edge.x + edge.side).toBeLessThanOrEqual(256);
    expect(edge.y + edge.side).toBeLessThanOrEqual(256);
  });
});

describe('moving places the upright pass explains', () => {
  it('are those its people cover most of, not any place one of them stands in', () => {
    const place: [number, number, number, number] = [0, 0, 100, 50];
    // One walker read upright in a place three walkers wide: two thirds still unexplained.
    expect(explainedShare(place, [[0, 0, 33, 50]])).toBeCloseTo(0.33, 2);
    expect(explainedShare(place, [[0, 0, 33, 50], [33, 0, 66, 50]])).toBeCloseTo(0.66, 2);
    expect(explainedShare(place, [[-10, -10, 110, 60]])).toBe(1);
    expect(explainedShare(place, [[200, 0, 250, 50]])).toBe(0);
  });
});

describe('the window a moving square is read on', () => {
  // 768x576 in a 256 input: 1/3 input px per frame px.
  const scale = 1 / 3;
  it('is 128 px while that shrinks the frame at most maxShrink', () => {
    expect(readWindow({ x: 0, y: 0, side: 100 * scale }, scale, 256, 1.5)).toBe(128);
    expect(readWindow({ x: 0, y: 0, side: 192 * scale }, scale, 256, 1.5)).toBe(128);
  });
  it('grows in steps of 32 for larger squares, up to the input side', () => {
    expect(readWindow({ x: 0, y: 0, side: 255 * scale }, scale, 256, 1.5)).toBe(192);
    expect(readWindow({ x: 0, y: 0, side: 538 * scale }, scale, 256, 1.5)).toBe(256);
    expect(readWindow({ x: 0, y: 0, side: 538 * scale }, scale, 256, 8)).toBe(128);
  });
});

describe('wide moving places', () => {
  it('are cut into pieces about as wide as they are tall (people side by side)', () => {
    expect(splitWide([0, 0, 90, 30])).toEqual([[0, 0, 30, 30], [30, 0, 60, 30], [60, 0, 90, 30]]);
    expect(splitWide([0, 0, 20, 60])).toEqual([[0, 0, 20, 60]]);
    expect(splitWide([0, 0, 1000, 10])).toHaveLength(4);
  });
});
