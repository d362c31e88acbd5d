/**
 * Draws a response's detections on the picture that was sent: each box (or
 * its `polygon`, for rotated regions such as text lines), a label "class
 * confidence" (or, when the detection carries `text`, the text read and the
 * confidence), and for pose models the skeleton (keypoints with COCO names,
 * joined in the usual pairs). Colours follow the class: `fall`
 * red, `person` green, anything else from a fixed palette.
 */
import type { Detection } from '../api/wire.js';
import { Canvas, type Rgb } from './canvas.js';
import type { RgbImage } from './decode.js';

/** Keypoint pairs of the COCO-17 skeleton, by name. */
export const SKELETON: ReadonlyArray<readonly [string, string]> = [
  ['left_ear', 'left_eye'], ['left_eye', 'nose'], ['nose', 'right_eye'], ['right_eye', 'right_ear'],
  ['left_shoulder', 'right_shoulder'], ['left_shoulder', 'left_elbow'], ['left_elbow', 'left_wrist'],
  ['right_shoulder', 'right_elbow'], ['right_elbow', 'right_wrist'],
  ['left_shoulder', 'left_hip'], ['right_shoulder', 'right_hip'], ['left_hip', 'right_hip'],
  ['left_hip', 'left_knee'], ['left_knee', 'left_ankle'], ['right_hip', 'right_knee'], ['right_knee', 'right_ankle'],
];

const CLASS_COLOURS: Record<string, Rgb> = { fall: [230, 30, 30], person: [40, 200, 60] };
const PALETTE: Rgb[] = [[30, 120, 240], [240, 170, 0], [200, 60, 220], [0, 200, 200], [250, 110, 40]];
const WHITE: Rgb = [255, 255, 255];
const SKELETON_COLOUR: Rgb = [255, 220, 0];

export interface AnnotateOptions {
  /** Keypoints below this score are not drawn. Default 0.25. */
  minKeypointScore?: number;
}

interface NamedPoint {
  name?: unknown;
  x?: unknown;
  y?: unknown;
  score?: unknown;
}

function colourFor(d: Detection): Rgb {
  return CLASS_COLOURS[d.class_name] ?? PALETTE[Math.abs(d.class_id) % PALETTE.length]!;
}

/** The detection's polygon as normalised [x, y] corners, when it has a usable one. */
function polygonOf(d: Detection): [number, number][] | null {
  const p = d.polygon;
  if (!Array.isArray(p) || p.length < 3) return null;
  const ok = p.every((q) => Array.isArray(q) && q.length === 2 && q.every((v) => typeof v === 'number' && Number.isFinite(v)));
  return ok ? (p as [number, number][]) : null;
}

function keypointsOf(d: Detection): Map<string, { x: number; y: number; score: number }> {
  const out = new Map<string, { x: number; y: number; score: number }>();
  if (!Array.isArray(d.keypoints)) return out;
  for (const k of d.keypoints as NamedPoint[]) {
    if (typeof k?.name === 'string' && typeof k.x === 'number' && typeof k.y === 'number') {
      out.set(k.name, { x: k.x, y: k.y, score: typeof k.score === 'number' ? k.score : 1 });
    }
  }
  return out;
}

/** Draws in place on `image` (normalised coordinates, as on the wire) and returns it. */
export function annotate(image: RgbImage, detections: readonly Detection[], options: AnnotateOptions = {}): RgbImage {
  const canvas = new Canvas(image);
  const minScore = options.minKeypointScore ?? 0.25;
  const size = Math.max(image.width, image.height);
  const stroke = Math.max(2, Math.round(size / 320));
  const fontScale = Math.max(2, Math.round(size / 400));
  const W = image.width;
  const H = image.height;

  // Skeletons first, boxes and labels over them, so labels stay readable.
  for (const d of detections) {
    const kps = keypointsOf(d);
    for (const [a, b] of SKELETON) {
      const p = kps.get(a);
      const q = kps.get(b);
      if (p && q && p.score >= minScore && q.score >= minScore) {
        canvas.line(p.x * W, p.y * H, q.x * W, q.y * H, stroke, SKELETON_COLOUR);
      }
    }
    for (const k of kps.values()) {
      if (k.score >= minScore) canvas.dot(k.x * W, k.y * H, stroke + 1, colourFor(d));
    }
  }
  for (const d of detections) {
    const c = colourFor(d);
    const [x1, y1, x2, y2] = d.bbox;
    const polygon = polygonOf(d);
    if (polygon) {
      polygon.forEach(([px, py], i) => {
        const [qx, qy] = polygon[(i + 1) % polygon.length]!;
        canvas.line(px * W, py * H, qx * W, qy * H, stroke, c);
      });
    } else {
      canvas.strokeRect(x1 * W, y1 * H, x2 * W, y2 * H, stroke, c);
    }
    const name = typeof d.text === 'string' ? d.text : d.class_name;
    canvas.label(x1 * W, y1 * H, `${name} ${d.confidence.toFixed(2)}`, fontScale, WHITE, c);
  }
  return image;
}
