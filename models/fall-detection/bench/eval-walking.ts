/**
 * The walking-people measurement: frames of opencv-doc's vtest.avi (people
 * walking across a campus under a fixed surveillance camera, 768×576) with
 * every person boxed by hand, sent as they are and placed in 1920×1080 the
 * way the platform sends frames (scaled to 1440×1080, centred, black sides).
 * Every person must be found (any class, IoU >= 0.5) and none called fallen.
 * These frames are not in the dev or held-out parts (those use frames
 * 0, 80, …, 720 of the clip; these are 40, 240, 440, 640, 700, 750).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
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
const hd = (b: Box): Box => [(240 + b[0] * 1.875) / 1920, (b[1] * 1.875) / 1080, (240 + b[2] * 1.875) / 1920, (b[3] * 1.875) / 1080];

export function walkingCases(images: string): Record<string, Case> {
  const cases: Record<string, Case> = {};
  for (const f of FRAMES) {
    const small = path.join(images, `walking-vtest-${f.n}-768x576.png`);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', VTEST, '-vf', `select=eq(n\\,${f.n})`, '-vsync', 'vfr', '-frames:v', '1', small]);
    const big = path.join(images, `walking-vtest-${f.n}-1920x1080.png`);
    execFileSync('convert', [small, '-resize', '1440x1080', '-background', 'black', '-gravity', 'center', '-extent', '1920x1080', big], { stdio: 'ignore' });
    const base = { split: 'walking' as const, falls: [] };
    cases[`walking-vtest-${f.n}-768x576`] = { ...base, category: 'walking-768x576', image: small, description: `vtest.avi frame ${f.n}`, people: f.people.map(norm), ignore: f.ignore.map(norm) };
    cases[`walking-vtest-${f.n}-1920x1080`] = { ...base, category: 'walking-1920x1080', image: big, description: `vtest.avi frame ${f.n} in 1920×1080`, people: f.people.map(hd), ignore: f.ignore.map(hd) };
  }
  return cases;
}
