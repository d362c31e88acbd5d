/**
 * One frame → people: find where people are, then read each one the right
 * way up, with the poses mapped back and duplicates merged.
 *
 * Default policy ("views"): MoveNet reads the window upright and turned by
 * each angle of `views` (turn-view.ts), so a person lying in any direction is
 * read near upright in some view; then up to `zoomRegions` places that no
 * view could read (wide slot boxes, ranked by how many views left one there)
 * are cut out, enlarged and read turned a quarter each way (zoomIn).
 *
 * "regions": the upright pass alone picks the places to zoom into: a box
 * wider than tall (whatever its score) or a candidate that is not a clear
 * upright person. Frames of upright people, and frames with nobody, cost
 * the one upright pass.
 *
 * The whole-frame quarter turns stay as explicit options: "always" runs
 * MoveNet on the whole input turned each way (3 passes), "auto" only when
 * the upright pass leaves doubt (see needsTurn, lyingHint); both are
 * followed by the zoomed look at wide boxes no pass could read. "never"
 * is the upright pass alone.
 */
import { boxIou } from '@ruth-ai/model-runtime';
import { looksHorizontal, type FallRule } from './fall-decision.js';
import { decodePoses, type Pose } from './keypoints.js';
import { offsetPose, rotateImage, unturnPose } from './rotate.js';
import { poseToInput, turnedView } from './turn-view.js';
import { extractWindow, type Window } from './window.js';
import { cropSquare, enlarges, unzoomPose, zoomSquare, ZOOM_WINDOW, type Square } from './zoom.js';
import { readMovingPlaces, type MovingPlaces } from './moving-people.js';
import { mergePeople, overlap, personBox, toPeople, type Person } from './people.js';

export type RotationPolicy = 'views' | 'auto' | 'regions' | 'always' | 'never';

/** Runs MoveNet on one W×H×3 int32 image and returns its raw [1, 6, 56] output. */
export type RunPose = (image: Int32Array, width: number, height: number) => Promise<Float32Array>;


export interface DetectOptions {
  /** Person score floor for a pose to be reported. */
  minScore: number;
  /** Weaker candidates down to this score can trigger the turned passes. */
  probeScore: number;
  rotation: RotationPolicy;
  /** Two poses overlapping more than this (keypoint-box IoU) are one person. */
  mergeIou: number;
  /** At most this many places get a zoomed, turned look (zoom.ts). */
  zoomRegions: number;
  /** At most this many when no pass found anybody: a scene with nobody costs no more than one with people. */
  zoomRegionsNobody: number;
  /** A zoomed square's side, in the hint box's longer sides (zoom.ts zoomSquare). */
  zoomContext: number;
  /** A place whose zoomed square would be larger than this (input pixels) gets no zoomed look (zoom.ts enlarges). */
  zoomMaxSide: number;
  /** A slot box this many times wider than tall may be a person lying down (lyingHint). */
  wideAspect: number;
  /** The decision's constants (fall-decision.ts). */
  rule: FallRule;
  /** "views": the whole window is also read turned by each of these angles (degrees clockwise). */
  views: number[];
  /** A view at an angle that is not a quarter turn is shrunk to fit this side (turn-view.ts). */
  slantedViewSide: number;
  /** Person score floor for a pose read in such a slanted view. */
  slantedMinScore: number;
  /** Where a fixed camera's scene moves, for an upright look closer (moving-people.ts). */
  moving?: MovingPlaces;
}

export interface DetectResult {
  people: Person[];
  passes: number;
}

/**
 * `input` is the S-wide uint8 RGB model input; only `win` of it (the frame's
 * content, see window.ts) is run. Poses come back in whole-input pixels.
 */
export async function detectPeople(input: Uint8Array, stride: number, win: Window, run: RunPose, opts: DetectOptions): Promise<DetectResult> {
  const image = extractWindow(input, stride, win, new Int32Array(win.w * win.h * 3));
  const back = (p: Pose): Pose => offsetPose(p, win.x, win.y);
  const raw = decodePoses(await run(image, win.w, win.h), win.w, win.h).map(back);
  const candidates = toPeople(raw, 'upright', Math.min(opts.probeScore, opts.minScore), opts.rule);
  const upright = candidates.filter((p) => p.pose.score >= opts.minScore);
  let passes = 1;
  let all = upright;
  if (opts.moving) {
    const moving = await readMovingPlaces(opts.moving, upright, run, opts.minScore, opts.rule);
    all = all.concat(moving.people);
    passes += moving.passes;
  }
  if (opts.rotation === 'regions') {
    const zoomed = await zoomIn(input, stride, regionHints(raw, candidates, zoomBudget(all, opts), opts), run, opts);
    return { people: mergePeople(all.concat(zoomed.people), opts.mergeIou), passes: passes + zoomed.passes };
  }
  const angles = turnAngles(candidates, raw, opts);
  if (angles.length === 0) return { people: mergePeople(all, opts.mergeIou), passes };
  // The whole window read turned by each angle; then a zoomed look at the wide boxes no view could read.
  const slots: Pose[][] = [raw];
  for (const angle of angles) {
    const slanted = angle % 90 !== 0;
    const side = slanted ? opts.slantedViewSide : stride;
    const view = turnedView(input, stride, win, angle, side);
    const poses = decodePoses(await run(view.image, view.width, view.height), view.width, view.height).map((p) => poseToInput(p, view, angle));
    slots.push(poses);
    // Turned to a slant, an animal or a pattern reads as a weak person more often than upright.
    all = all.concat(toPeople(poses, `turn${angle}`, slanted ? Math.max(opts.minScore, opts.slantedMinScore) : opts.minScore, opts.rule));
    passes++;
  }
  const zoomed = await zoomIn(input, stride, zoomHints(slots, all, zoomBudget(all, opts), opts.mergeIou, (s) => lyingHint(s, opts.wideAspect) && enlarges(s.box, opts.zoomContext, opts.zoomMaxSide)), run, opts);
  return { people: mergePeople(all.concat(zoomed.people), opts.mergeIou), passes: passes + zoomed.passes };
}

/**
 * The angles the whole window is read at besides upright: every one of
 * `views` ("views"), both quarter turns ("always", and "auto" when the
 * upright pass leaves doubt), none ("never").
 */
function turnAngles(candidates: Person[], raw: Pose[], opts: DetectOptions): number[] {
  if (opts.rotation === 'views') return opts.views;
  const quarters = [90, -90];
  if (opts.rotation === 'always') return quarters;
  if (opts.rotation === 'auto' && (doubtful(candidates, opts) || raw.some((s) => lyingHint(s, opts.wideAspect)))) return quarters;
  return [];
}

/**
 * How many places get a zoomed look. A frame where no pass found anybody
 * (a scene with nobody, or one lying person no pass could read) fills its
 * slots with weak boxes that look like places to look closer; fewer looks
 * there keep such a frame from costing more than one with people in it.
 */
function zoomBudget(found: Person[], opts: DetectOptions): number {
  return found.length === 0 ? Math.min(opts.zoomRegions, opts.zoomRegionsNobody) : opts.zoomRegions;
}

/**
 * Slot boxes (from any pass) that may be a lying person (`place`: wide, and
 * small enough to enlarge) and that no person already found explains:
 * where a small lying person may be that no pass could read. One per place,
 * at most `max`, ranked first by how many OTHER passes left a slot on the
 * same place (box IoU above `sameIou`), then by score. The scores of such
 * slots are near zero and say little; a lying person nobody could read still
 * leaves boxes at the same place in several turned views, where a weak junk
 * slot is usually seen by one (dev: the first hint lands on a missed fallen
 * person 9 times instead of 6). A slot box spanning most of the frame would
 * make a square the zoom window does not enlarge (zoom.ts enlarges), a look
 * that reads nothing the views did not.
 */
export function zoomHints(slotsByPass: Pose[][], found: Person[], max: number, sameIou: number, place: (slot: Pose) => boolean): Pose[] {
  const explained = found.filter((p) => !p.fall.uncertain).map(personBox);
  const seenBy = (s: Pose, own: number): number =>
    slotsByPass.filter((pass, i) => i !== own && pass.some((o) => boxIou(s.box, o.box) > sameIou)).length;
  const ranked = slotsByPass.flatMap((pass, i) => pass.filter(place).map((s) => ({ s, seen: seenBy(s, i) })))
    .sort((a, b) => b.seen - a.seen || b.s.score - a.s.score);
  const hints: Pose[] = [];
  for (const { s } of ranked) {
    if (hints.length >= max) break;
    if (explained.some((b) => overlap(s.box, b) > 0.5) || hints.some((h) => overlap(s.box, h.box) > 0.5)) continue;
    hints.push(s);
  }
  return hints;
}

/**
 * Where to look closer without turning the whole frame: the upright pass's
 * slots that may be a person lying down (a wide box, whatever its score, or
 * a candidate that is not a clear upright person), strongest first, one per
 * place, none on a clear upright person, at most `max`.
 */
function regionHints(slots: Pose[], candidates: Person[], max: number, opts: DetectOptions): Pose[] {
  const clear = candidates.filter((p) => isClearlyUpright(p, opts));
  const doubtful = candidates.filter((c) => !clear.includes(c)).map((c) => c.pose);
  const hints: Pose[] = [];
  for (const s of [...new Set([...slots.filter((s) => lyingHint(s, opts.wideAspect)), ...doubtful])].sort((a, b) => b.score - a.score)) {
    if (hints.length >= max) break;
    if (clear.some((u) => overlap(s.box, personBox(u)) > 0.5) || hints.some((h) => overlap(s.box, h.box) > 0.5)) continue;
    hints.push(s);
  }
  return hints;
}

/**
 * Each hint's square, enlarged to the zoom window and turned both ways (a
 * lying person's head may be on either side). A hint box is often only part
 * of the person: when a read reaches the square's edge, the square cut
 * through them, so the read is redone once on a square around what was read.
 */
async function zoomIn(input: Uint8Array, size: number, hints: Pose[], run: RunPose, opts: DetectOptions): Promise<{ people: Person[]; passes: number }> {
  let people: Person[] = [];
  let passes = 0;
  for (const h of hints) {
    let sq = zoomSquare(h.box, size, opts.zoomContext);
    let found = await readSquare(input, size, sq, run, opts);
    passes += 2;
    const cut = found.find((p) => touchesEdge(personBox(p), sq, size));
    if (cut) {
      const b = personBox(cut);
      sq = zoomSquare([Math.min(b[0], h.box[0]), Math.min(b[1], h.box[1]), Math.max(b[2], h.box[2]), Math.max(b[3], h.box[3])], size, opts.zoomContext);
      found = await readSquare(input, size, sq, run, opts);
      passes += 2;
    }
    people = people.concat(found);
  }
  return { people, passes };
}

async function readSquare(input: Uint8Array, size: number, sq: Square, run: RunPose, opts: DetectOptions): Promise<Person[]> {
  const n = ZOOM_WINDOW;
  const crop = cropSquare(input, size, sq, n, new Int32Array(n * n * 3));
  const turned = new Int32Array(n * n * 3);
  let people: Person[] = [];
  for (const turn of ['cw', 'ccw'] as const) {
    rotateImage(crop, n, n, turn, turned);
    const poses = decodePoses(await run(turned, n, n), n, n).map((p) => unzoomPose(unturnPose(p, n, n, turn), sq, n));
    people = people.concat(toPeople(poses, `${turn}-zoom`, opts.minScore, opts.rule));
  }
  return people;
}

/** The box comes within 3% of the square's side of an edge that is not the input's own. */
function touchesEdge(b: readonly number[], sq: Square, size: number): boolean {
  const m = 0.03 * sq.side;
  return (b[0] < sq.x + m && sq.x > 0) || (b[1] < sq.y + m && sq.y > 0) ||
    (b[2] > sq.x + sq.side - m && sq.x + sq.side < size) || (b[3] > sq.y + sq.side - m && sq.y + sq.side < size);
}


/**
 * MoveNet's box for a slot is wider than tall: at least `aspect` times
 * (model.yaml `wide_box_aspect`). Upright people (and the weak junk slots
 * MoveNet fills its six with) have tall or small boxes; a person lying down
 * usually leaves a wide box in some slot even when the score is near zero
 * and no keypoint is visible. Any score counts: the box is the hint. A small
 * person lying, or one lying at a slant, often leaves a box only a little
 * wider than tall (dev falls found with one zoomed look and zoom_max_side
 * 128: aspect 1.4 75 of 111, 1.3 76, 1.2 78, 1.1 77, 1.0 75; not confirmed
 * on the held-out split, so the default stays 1.4).
 */
export function lyingHint(p: Pose, aspect: number): boolean {
  const w = p.box[2] - p.box[0];
  const h = p.box[3] - p.box[1];
  return w >= aspect * h && w >= WIDE_MIN_PX;
}
/** In 256-input pixels: about 5% of the frame width. */
const WIDE_MIN_PX = 12;

/** "auto": a candidate that is neither a clear upright person nor a weak echo of one. */
function doubtful(candidates: Person[], opts: DetectOptions): boolean {
  const clearlyUpright = candidates.filter((p) => isClearlyUpright(p, opts));
  return candidates.some((c) => {
    if (clearlyUpright.includes(c)) return false;
    // A weak echo of a clearly upright person (MoveNet often returns one) is no doubt.
    return !clearlyUpright.some((u) => overlap(personBox(c), personBox(u)) > 0.5);
  });
}

/**
 * An incomplete skeleton counts as upright only when it is a reportable
 * person whose head sits above level shoulders (a portrait, hips out of view).
 */
function isClearlyUpright(p: Person, opts: DetectOptions): boolean {
  return p.fall.uncertain ? p.body.headUp && p.pose.score >= opts.minScore : !looksHorizontal(p.body);
}



