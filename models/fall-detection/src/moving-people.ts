/**
 * A closer, upright look where a fixed camera's scene moves (motion.ts) and
 * the upright pass found nobody: people far from the camera. Each place is
 * cut from the full-resolution frame as a square around it, enlarged to the
 * zoom window and read upright. The largest places first, at most
 * `maxRegions` reads; a place inside a square already read is not read again.
 */
import type { FallRule } from './fall-decision.js';
import { decodePoses } from './keypoints.js';
import { overlap, personBox, toPeople, type Person } from './people.js';
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
}

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
    // Someone the upright pass read already explains this motion.
    if (known.some((k) => overlap(b, k) > 0.5) || read.some((sq) => inside(b, sq))) continue;
    const sq = movingSquare(b, places.scale, places.size);
    read.push(sq);
    const n = ZOOM_WINDOW;
    const poses = decodePoses(await run(places.crop(sq, n), n, n), n, n).map((p) => unzoomPose(p, sq, n));
    people = people.concat(toPeople(poses, 'moving', minScore, rule));
  }
  return { people, passes: read.length };
}
