/**
 * Builds the fall-detection evaluation set (NOT part of the test suite) from
 * real photos in Debian and npm packages, into a scratch folder:
 *
 *   apt-get download darknet opencv-doc python3-skimage && for f in *.deb; do dpkg -x "$f" ROOT; done
 *   ffmpeg -i ROOT/usr/share/doc/opencv-doc/examples/data/vtest.avi -vf "select=not(mod(n\,80))" -vsync vfr SRC/vtest-%02d.png
 *   cp node_modules/@vladmandic/human/assets/samples.jpg SRC/human-samples.jpg
 *   EVAL_ROOT=ROOT EVAL_SRC=SRC EVAL_OUT=/tmp/fall-eval/set tsx models/fall-detection/bench/eval-set.ts
 *
 * Sources: darknet's data (person, horses, kite, dog), opencv-doc's example
 * data (basketball1/2, messi5, frames of the vtest.avi pedestrian video),
 * scikit-image's data (astronaut, camera) and the sample thumbnails in
 * @vladmandic/human's assets/samples.jpg (npm).
 *
 * Labels: every upright person used to make a "fallen" case has a box drawn
 * by hand on the upright original (those from the golden fixtures reuse
 * their labels). Fallen cases are those people turned by 90° ± up to 12°
 * (real falls are not exactly horizontal), either the whole frame or the
 * person cut out and pasted onto the ground of another real photo, at three
 * sizes, alone or among standing people; the label is the hand box turned
 * the same way. Scenes of only upright people (walking, standing, sitting
 * on a stool, at a table) are labelled "no fall" (their people are not
 * boxed: they count for precision only). People cut off or too small to
 * label are "ignore" boxes: a detection there counts neither way.
 *
 * The split is by source: the held-out part uses people and backgrounds that
 * never appear in the dev part nor in the golden fixtures (basketball2, the
 * npm thumbnails, the vtest pedestrians), so tuning on dev can be checked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type Box = [number, number, number, number];
type Split = 'dev' | 'held';

const ROOT = process.env.EVAL_ROOT ?? '/tmp/fall-fx/x';
const SRC = process.env.EVAL_SRC ?? '/tmp/fall-eval/src';
const OUT = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
const DARKNET = `${ROOT}/usr/share/darknet/data`;
const OPENCV = `${ROOT}/usr/share/doc/opencv-doc/examples/data`;
const SKIMAGE = `${ROOT}/usr/lib/python3/dist-packages/skimage/data`;
const CONVERT = process.env.CONVERT ?? 'convert';

/** An upright person in a source photo, with its hand-drawn box (source pixels). */
interface Person { name: string; file: string; box: Box; split: Split }
/** A photo to lay people on: the ground region (pixels, after `resize`). */
interface Ground { name: string; file: string; resize?: string; region: Box; split: Split; crowd: boolean }

const PEOPLE: Person[] = [
  { name: 'woman-dog', file: `${DARKNET}/person.jpg`, box: [188, 97, 276, 375], split: 'dev' },
  { name: 'player-dark', file: `${OPENCV}/basketball1.png`, box: [35, 80, 160, 478], split: 'dev' },
  { name: 'beach-walker', file: `${DARKNET}/kite.jpg`, box: [215, 702, 272, 852], split: 'dev' },
  { name: 'player-grey', file: `${OPENCV}/basketball2.png`, box: [33, 80, 168, 478], split: 'held' },
  { name: 'woman-red', file: `${SRC}/human-samples.jpg`, box: [567, 5, 625, 153], split: 'held' },
  { name: 'beach-walker-2', file: `${DARKNET}/kite.jpg`, box: [113, 617, 163, 762], split: 'held' },
];

const GROUNDS: Ground[] = [
  { name: 'horses', file: `${DARKNET}/horses.jpg`, resize: '640x', region: [0, 300, 640, 424], split: 'dev', crowd: false },
  { name: 'woman-dog', file: `${DARKNET}/person.jpg`, region: [300, 320, 640, 424], split: 'dev', crowd: true },
  { name: 'gym', file: `${OPENCV}/basketball1.png`, region: [170, 380, 430, 478], split: 'dev', crowd: true },
  { name: 'vtest-grass', file: `${SRC}/vtest-03.png`, region: [0, 340, 360, 560], split: 'held', crowd: true },
  { name: 'vtest-grass-2', file: `${SRC}/vtest-07.png`, region: [380, 420, 700, 560], split: 'held', crowd: true },
  { name: 'office', file: `${OPENCV}/basketball2.png`, region: [180, 395, 430, 478], split: 'held', crowd: true },
];

/** Scenes of upright people only (no fall), with ignore boxes where needed. */
const UPRIGHT: { name: string; file: string; crop?: string; split: Split }[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ name: `vtest-${i + 1}`, file: `${SRC}/vtest-${String(i + 1).padStart(2, '0')}.png`, split: 'held' as Split })),
  { name: 'office-two', file: `${OPENCV}/basketball2.png`, split: 'held' },
  { name: 'thumb-red', file: `${SRC}/human-samples.jpg`, crop: '110x160+540+0', split: 'held' },
  { name: 'thumb-top', file: `${SRC}/human-samples.jpg`, crop: '150x160+640+0', split: 'held' },
  { name: 'thumb-stool', file: `${SRC}/human-samples.jpg`, crop: '110x160+795+0', split: 'held' },
  { name: 'thumb-table', file: `${SRC}/human-samples.jpg`, crop: '210x160+325+0', split: 'held' },
  { name: 'thumb-group', file: `${SRC}/human-samples.jpg`, crop: '200x160+912+0', split: 'held' },
  { name: 'thumb-three', file: `${SRC}/human-samples.jpg`, crop: '150x160+1128+0', split: 'held' },
  { name: 'kite-beach', file: `${DARKNET}/kite.jpg`, split: 'dev' },
  { name: 'messi', file: `${OPENCV}/messi5.jpg`, split: 'dev' },
  { name: 'astronaut', file: `${SKIMAGE}/astronaut.png`, split: 'dev' },
];

interface Case {
  description: string;
  image: string;
  split: Split;
  falls: Box[];
  people: Box[];
  ignore: Box[];
}

let seed = 20240611;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

function identify(file: string): [number, number] {
  const [w, h] = execFileSync("identify", ["-format", "%w %h", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split(' ').map(Number);
  return [w!, h!];
}

function rotatedBox(box: Box, cx: number, cy: number, deg: number, ox: number, oy: number): Box {
  const a = (deg * Math.PI) / 180;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[box[0], box[1]], [box[2], box[1]], [box[0], box[3]], [box[2], box[3]]] as const) {
    // ImageMagick's -rotate is clockwise on screen (y down).
    const dx = x - cx;
    const dy = y - cy;
    xs.push(ox + dx * Math.cos(a) - dy * Math.sin(a));
    ys.push(oy + dx * Math.sin(a) + dy * Math.cos(a));
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const norm = (b: Box, w: number, h: number): Box => [b[0] / w, b[1] / h, b[2] / w, b[3] / h].map((v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000) as Box;

function main(): void {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(path.join(OUT, 'images'), { recursive: true });
  const cases: Record<string, Case> = {};
  const tmp = path.join(OUT, 'cut.png');

  // 1. A person cut out, turned ~90°, laid on the ground of another photo.
  for (const p of PEOPLE) {
    for (const g of GROUNDS.filter((x) => x.split === p.split)) {
      for (const frac of [0.16, 0.26, 0.4]) {
        for (const side of [90, -90]) {
          const deg = side + (rand() * 24 - 12);
          const m = 3;
          const [cw, ch] = [p.box[2] - p.box[0] + 2 * m, p.box[3] - p.box[1] + 2 * m];
          const bgSize = identify(g.file);
          const bgW = g.resize ? 640 : bgSize[0];
          const bgH = g.resize ? Math.round((bgSize[1] * 640) / bgSize[0]) : bgSize[1];
          const scale = (frac * bgW) / ch;
          execFileSync(CONVERT, [p.file, '-crop', `${cw}x${ch}+${p.box[0] - m}+${p.box[1] - m}`, '+repage', '-resize', `${(scale * 100).toFixed(2)}%`, '-background', 'none', '-rotate', deg.toFixed(2), tmp], { stdio: ["ignore", "ignore", "ignore"] });
          const [rw, rh] = identify(tmp);
          const r = g.region;
          const x = Math.round(Math.max(0, Math.min(bgW - rw, r[0] + rand() * Math.max(0, r[2] - r[0] - rw))));
          const y = Math.round(Math.max(0, Math.min(bgH - rh, r[1] + rand() * Math.max(0, r[3] - r[1] - rh))));
          const name = `${p.split}-${p.name}-on-${g.name}-${Math.round(frac * 100)}-${side > 0 ? 'cw' : 'ccw'}`;
          const image = path.join(OUT, 'images', `${name}.jpg`);
          execFileSync(CONVERT, [g.file, ...(g.resize ? ['-resize', g.resize] : []), tmp, '-geometry', `+${x}+${y}`, '-composite', '-strip', '-quality', '88', image], { stdio: ["ignore", "ignore", "ignore"] });
          // The hand box inside the scaled cut, turned about the cut's centre.
          const inner: Box = [m * scale, m * scale, (cw - m) * scale, (ch - m) * scale];
          const fall = rotatedBox(inner, (cw * scale) / 2, (ch * scale) / 2, deg, x + rw / 2, y + rh / 2);
          cases[name] = {
            description: `${p.name} turned ${deg.toFixed(0)}° on the ground of ${g.name}, ${Math.round(frac * 100)}% of the width${g.crowd ? ', among upright people' : ''}`,
            image, split: p.split, falls: [norm(fall, bgW, bgH)], people: [], ignore: [],
          };
        }
      }
    }
  }

  // 2. Whole frames turned: the person lies, and so does everything else.
  for (const p of PEOPLE.filter((x) => !x.file.endsWith('kite.jpg') && !x.file.endsWith('human-samples.jpg'))) {
    const [w, h] = identify(p.file);
    for (const side of [90, -90]) {
      const name = `${p.split}-${p.name}-frame-${side > 0 ? 'cw' : 'ccw'}`;
      const image = path.join(OUT, 'images', `${name}.jpg`);
      execFileSync(CONVERT, [p.file, '-rotate', String(side), '-strip', '-quality', '88', image], { stdio: ["ignore", "ignore", "ignore"] });
      const turn = (b: Box): Box => (side > 0 ? [h - b[3], b[0], h - b[1], b[2]] : [b[1], w - b[2], b[3], w - b[0]]);
      const falls = [turn(p.box)];
      // basketball1's second player (golden label) lies too; basketball2's
      // right-hand man is cut off by the frame: ignore him.
      if (p.name === 'player-dark') falls.push(turn([435, 22, 640, 480]));
      const ignore: Box[] = p.name === 'player-grey' ? [norm(turn([425, 15, 640, 480]), h, w)] : [];
      cases[name] = { description: `${p.name}'s whole frame turned ${side}°`, image, split: p.split, falls: falls.map((f) => norm(f, h, w)), people: [], ignore };
    }
  }
  // The npm thumbnail person, upscaled, whole frame turned.
  for (const side of [90, -90]) {
    const name = `held-woman-red-frame-${side > 0 ? 'cw' : 'ccw'}`;
    const image = path.join(OUT, 'images', `${name}.jpg`);
    // crop 110x160+540+0, ×3: the person box [567,5,625,153] becomes [81,15,255,459] in 330×480.
    execFileSync(CONVERT, [`${SRC}/human-samples.jpg`, '-crop', '110x160+540+0', '+repage', '-resize', '300%', '-rotate', String(side), '-strip', '-quality', '88', image], { stdio: ["ignore", "ignore", "ignore"] });
    const b: Box = [81, 15, 255, 459];
    const [w, h] = [330, 480];
    const fall: Box = side > 0 ? [h - b[3], b[0], h - b[1], b[2]] : [b[1], w - b[2], b[3], w - b[0]];
    cases[name] = { description: `npm thumbnail woman, whole frame turned ${side}°`, image, split: 'held', falls: [norm(fall, h, w)], people: [], ignore: [] };
  }

  // 3. Upright scenes: no fall.
  for (const u of UPRIGHT) {
    const name = `${u.split}-upright-${u.name}`;
    const image = path.join(OUT, 'images', `${name}.jpg`);
    execFileSync(CONVERT, [u.file, ...(u.crop ? ['-crop', u.crop, '+repage', '-resize', '300%'] : []), '-resize', '640x640>', '-strip', '-quality', '88', image], { stdio: ["ignore", "ignore", "ignore"] });
    cases[name] = { description: `upright people only: ${u.name}`, image, split: u.split, falls: [], people: [], ignore: [] };
  }
  rmSync(tmp, { force: true });
  writeFileSync(path.join(OUT, 'cases.json'), JSON.stringify(cases, null, 1));
  const n = Object.values(cases);
  process.stdout.write(`${n.length} cases (${n.filter((c) => c.split === 'dev').length} dev, ${n.filter((c) => c.split === 'held').length} held out), ${n.reduce((s, c) => s + c.falls.length, 0)} fallen people → ${OUT}\n`);
}

main();
