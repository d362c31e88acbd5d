/**
 * The walking-people measurement: frames of opencv-doc's vtest.avi (people
 * walking across a campus under a fixed surveillance camera, 768×576) with
 * every person boxed by hand, sent as they are and placed in 1920×1080 the
 * way the platform sends frames (scaled to 1440×1080, centred, black sides).
 * Every person must be found (any class, IoU >= 0.5) and none called fallen.
 * These frames are not in the dev or held-out parts (those use frames
 * 0, 80, …, 720 of the clip; these are 40, 240, 440, 640, 700, 750).
 *
 * A camera sends every frame, and the model keeps a per-camera background
 * (src/motion.ts): each labelled frame comes with the HISTORY frames before
 * it (3 s of the clip at its 10 frames/s), which eval.ts sends first under
 * the same camera id and does not score.
 *
 * Run alone, it rebuilds only the walking part of an existing set:
 *   EVAL_OUT=/tmp/fall-eval/set tsx models/fall-detection/bench/eval-walking.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VTEST, type Box } from './eval-sources.js';
import type { Case } from './eval-set.js';

/** Hand boxes (pixels of the 768×576 frame); `ignore`: people cut off by the frame's edge. */
const FRAMES: { n: number; people: Box[]; ignore: Box[] }[] = [
  { n: 40, people: [[376, 178, 400, 258], [399, 184, 426, 263], [438, 194, 459, 272], [563, 235, 604, 332], [600, 232, 633, 325]], ignore: [[730, 280, 768, 405]] },
  { n: 240, people: [[39, 175, 61, 244], [235, 155, 265, 233], [642, 116, 666, 177], [663, 120, 684, 182], [614, 201, 641, 278], [451, 250, 482, 351], [657, 272, 707, 378]], ignore: [] },
  { n: 440, people: [[299, 203, 319, 291], [495, 170, 522, 239], [617, 256, 647, 353]], ignore: [] },
  { n: 640, people: [[118, 144, 140, 213], [174, 161, 193, 229], [363, 160, 394, 232], [505, 247, 538, 339], [642, 211, 680, 304], [336, 385, 389, 526]], ignore: [] },
  { n: 700, people: [[184, 167, 212, 238], [281, 210, 307, 294], [366, 172, 397, 255], [103, 287, 143, 396], [405, 153, 426, 210], [476, 136, 495, 200], [520, 166, 544, 235], [682, 218, 728, 307]], ignore: [] },
  { n: 750, people: [[370, 182, 400, 257], [399, 212, 428, 300], [509, 177, 535, 250], [635, 217, 677, 318], [663, 116, 688, 175], [183, 202, 221, 282], [237, 215, 274, 303]], ignore: [[735, 50, 768, 105]] },
];

const [W, H] = [768, 576];
const norm = (b: Box): Box => [b[0] / W, b[1] / H, b[2] / W, b[3] / H];
/** A box of the 768×576 frame in the 1920×1080 one: ×1.875, 240 px black on each side. */
const toHd = (b: Box): Box => [(240 + b[0] * 1.875) / 1920, (b[1] * 1.875) / 1080, (240 + b[2] * 1.875) / 1920, (b[3] * 1.875) / 1080];

/** Frames sent before each labelled one: 3 s at the clip's 10 frames/s. */
export const HISTORY = 30;

/** Frames first..last of the clip as PNGs `${prefix}-NNN.png`, at 768×576 or placed in 1920×1080. */
function extract(images: string, prefix: string, first: number, last: number, hd: boolean): string[] {
  const place = hd ? ',scale=1440:1080:flags=bicubic,pad=1920:1080:240:0:black' : '';
  const pattern = path.join(images, `${prefix}-%03d.png`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', VTEST, '-vf', `select=between(n\\,${first}\\,${last})${place}`, '-vsync', 'vfr', pattern]);
  return Array.from({ length: last - first + 1 }, (_, i) => pattern.replace('%03d', String(i + 1).padStart(3, '0')));
}

export function walkingCases(images: string): Record<string, Case> {
  const cases: Record<string, Case> = {};
  for (const f of FRAMES) {
    const first = Math.max(0, f.n - HISTORY);
    const base = { split: 'walking' as const, falls: [] };
    for (const hd of [false, true]) {
      const size = hd ? '1920x1080' : '768x576';
      const frames = extract(images, `walking-vtest-${f.n}-${size}`, first, f.n, hd);
      cases[`walking-vtest-${f.n}-${size}`] = {
        ...base, category: `walking-${size}`, image: frames.at(-1)!, history: frames.slice(0, -1),
        description: hd ? `vtest.avi frame ${f.n} in 1920×1080` : `vtest.avi frame ${f.n}`,
        people: f.people.map(hd ? toHd : norm), ignore: f.ignore.map(hd ? toHd : norm),
      };
    }
  }
  return cases;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
  const file = path.join(out, 'cases.json');
  const cases = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Case>;
  for (const name of Object.keys(cases)) if (cases[name]!.split === 'walking') delete cases[name];
  writeFileSync(file, JSON.stringify({ ...cases, ...walkingCases(path.join(out, 'images')) }, null, 1));
}
