/**
 * A closer, upright look where a fixed camera's scene moves (motion.ts) and
 * the upright pass found nobody: people far from the camera. Each place is
 * cut from the full-resolution frame as a square around it and read upright
 * at about the frame's own resolution (readWindow). The largest places
 * first, at most `maxRegions` reads; a place inside a square already read,
 * or mostly covered by people the upright pass read, is not read again.
 */
import type { FallRule } from './fall-decision.js';
import { decodePoses } from './keypoints.js';
import { personBox, toPeople, type Person } from './people.js';
import type { CropFrame } from './frame-crop.js';
import { unzoomPose, ZOOM_WINDOW, type Box, type Square } from './zoom.js';

export interface MovingPlaces {
  /** Moving boxes in model-input pixels, largest first. */
  boxes: Box[];
  /** Cuts a square of input pixels from the original frame. */
  crop: CropFrame;
  /** Input pixels per frame pixel. */
  scale: number;
  /** The model input's side. */
  size: number;
  maxRegions: number;
  /** A square is read on a window that shrinks the frame at most this much (readWindow). */
  maxShrink: number;
}

/** A piece that people already found cover more of than this is not read again. */
const EXPLAINED = 0.5;
/** Context around a moving box: motion marks the body, not always all of it. */
const CONTEXT = 1.3;
/** Squares are at least this many frame pixels across: never enlarge a frame more than 1.5×. */
const MIN_FRAME_SIDE = ZOOM_WINDOW / 1.5;

export function movingSquare(b: Box, scale: number, size: number): Square {
  const side = Math.min(size, Math.max(MIN_FRAME_SIDE * scale, CONTEXT * Math.max(b[2] - b[0], b[3] - b[1])));
  const clamp = (c: number): number => Math.max(0, Math.min(size - side, c - side / 2));
  return { x: clamp((b[0] + b[2]) / 2), y: clamp((b[1] + b[3]) / 2), side };
}

/**
 * A place much wider than tall is usually people walking side by side: one
 * square around all of them would shrink each. It is cut into pieces about
 * as wide as the place is tall, each read on its own square.
 */
export function splitWide(b: Box): Box[] {
  const w = b[2] - b[0];
  const h = b[3] - b[1];
  const n = Math.min(4, Math.max(1, Math.round(w / h)));
  return Array.from({ length: n }, (_, i): Box => [b[0] + (i * w) / n, b[1], b[0] + ((i + 1) * w) / n, b[3]]);
}

/**
 * Share of `piece` that the boxes of people already found cover. A moving
 * place often holds several walkers: one of them read upright explains
 * their part of it, not the whole place.
 */
export function explainedShare(piece: Box, known: Box[]): number {
  const area = (piece[2] - piece[0]) * (piece[3] - piece[1]);
  if (area <= 0) return 1;
  let covered = 0;
  for (const k of known) {
    covered += Math.max(0, Math.min(piece[2], k[2]) - Math.max(piece[0], k[0])) * Math.max(0, Math.min(piece[3], k[3]) - Math.max(piece[1], k[1]));
  }
  return covered / area;
}

/**
 * The side of the window a square is read on: the zoom window (128), larger
 * when that would shrink the frame more than `maxShrink`, up to the model
 * input's side. A place holding several walkers or a walker and their
 * shadow gets a square several people wide: read on 128 pixels, a walker
 * 75 px tall in the frame is 38 px there, too few for MoveNet (vtest.avi:
 * such reads scored 0.12-0.18; at 55 px and more, 0.3-0.5).
 */
export function readWindow(sq: Square, scale: number, size: number, maxShrink: number): number {
  const framePx = sq.side / scale;
  return Math.min(size, Math.max(ZOOM_WINDOW, Math.ceil(framePx / maxShrink / 32) * 32));
}

const inside = (b: Box, sq: Square): boolean => b[0] >= sq.x && b[1] >= sq.y && b[2] <= sq.x + sq.side && b[3] <= sq.y + sq.side;

export async function readMovingPlaces(
  places: MovingPlaces,
  found: Person[],
  run: (image: Int32Array, width: number, height: number) => Promise<Float32Array>,
  minScore: number,
  rule: FallRule,
): Promise<{ people: Person[]; passes: number }> {
  const known = found.map(personBox);
  const read: Square[] = [];
  let people: Person[] = [];
  for (const b of places.boxes.flatMap(splitWide)) {
    if (read.length >= places.maxRegions) break;
    // People the upright pass read already explain most of this motion.
    if (explainedShare(b, known) > EXPLAINED || read.some((sq) => inside(b, sq))) continue;
    const sq = movingSquare(b, places.scale, places.size);
    read.push(sq);
    const n = readWindow(sq, places.scale, places.size, places.maxShrink);
    const poses = decodePoses(await run(places.crop(sq, n), n, n), n, n).map((p) => unzoomPose(p, sq, n));
    people = people.concat(toPeople(poses, 'moving', minScore, rule));
  }
  return { people, passes: read.length };
}
