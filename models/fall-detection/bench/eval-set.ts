/**
 * Builds the fall-detection evaluation set (NOT part of the test suite) into
 * a scratch folder, from real photos in Debian and npm packages
 * (eval-sources.ts lists them, with their hand labels):
 *
 *   apt-get install imagemagick ffmpeg
 *   apt-get download darknet opencv-doc python3-skimage && for f in *.deb; do dpkg -x "$f" ROOT; done
 *   H=ROOT/usr/share/doc/opencv-doc/opencv4/html
 *   ffmpeg -i ROOT/usr/share/doc/opencv-doc/examples/data/vtest.avi -vf "select=not(mod(n\,80))" -vsync vfr SRC/vtest-%02d.png
 *   cp node_modules/@vladmandic/human/assets/samples.jpg SRC/human-samples.jpg
 *   cp $H/Background_Subtraction_Tutorial_frame.jpg SRC/campus.jpg; cp $H/studentsSample_input.jpg SRC/students.jpg
 *   convert $H/VideoDemo_thermal_park.jpg -crop 343x267+0+0 +repage -resize 200% SRC/thermal-park.png
 *   convert $H/VideoDemo_RGB_PETS2006.jpg -crop 343x266+0+0 +repage -resize 200% SRC/pets-hall.png
 *   EVAL_ROOT=ROOT EVAL_SRC=SRC EVAL_OUT=/tmp/fall-eval/set tsx models/fall-detection/bench/eval-set.ts
 *
 * Categories (cases.json `category`), and how each is made. Real photos of
 * people on the ground are not in these packages, so lying, crouching,
 * kneeling and bending people are SYNTHESISED from real upright people
 * boxed by hand (eval-sources.ts PEOPLE), cut out and pasted onto the real
 * ground of another photo; their label is the hand box moved the same way.
 *   standing         real: people walking or standing (vtest, gym, office,
 *                    beach, a party crowd, a portrait, a footballer).
 *   sitting          real: on a stool, at a table, a lecture hall, at a desk;
 *                    synthesised "on the floor": a person cut at the hips set
 *                    upright on the ground.
 *   crouch-kneel     synthesised: kneeling = cut at the knees, upright on the
 *                    ground; crouching = the upper half stood on the shins
 *                    (thighs foreshortened away, as seen from the front).
 *   bending          real: a cameraman bent to his camera; synthesised: the
 *                    upper half turned 75-105° about the hip on upright legs.
 *   fallen-90        synthesised: turned 90° ± 12° (whole frames turned, or
 *                    the person laid on open ground), at 16, 26, 40% of the
 *                    frame's width.
 *   fallen-diagonal  synthesised: the body 30-60° from horizontal, head up or
 *                    head down (a person lying across the camera's view).
 *   small            real: campus pedestrians 40-80 px tall; synthesised:
 *                    a lying person 42-58 px long, also in 1920×1080 frames.
 *   hidden           real: a seated person behind the board they hold;
 *                    synthesised: a lying person with a third to a half of
 *                    the body covered by a rectangle of another real photo
 *                    (labelled: the visible part's box).
 *   night            real: a thermal park frame, a grey photo; synthesised: a
 *                    grey person on the thermal ground, and grey, dark, noisy
 *                    copies of fallen and standing frames.
 *   crowd-one-down   synthesised: a lying person among real standing people.
 *   nobody-plain     real: animals, streets, buildings, objects.
 *   nobody-textured  real close-ups: fruit, flowers, animal faces (baboon,
 *                    cat), textiles and carpets, a shelf, sweets, a circuit.
 * Lying on a bed or a sofa: labelled `fall` if it is ever added (no photo of
 * a bed or a sofa is in these packages): one frame cannot tell a bed from a
 * floor, the model's `fall` means "a person lying", and the platform masks
 * beds with zones. Upright-people categories are labelled "no fall": their
 * people are not boxed and count for precision only. People cut off or too
 * small to label are "ignore" boxes: a detection there counts neither way.
 *
 * The split is by source: held-out people and backgrounds appear neither in
 * the dev part nor in the golden fixtures, so tuning on dev can be checked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { walkingCases } from './eval-walking.js';
import { GROUNDS, OCCLUDERS, PEOPLE, SCENES, SRC, type Box, type Ground, type Person, type Split } from './eval-sources.js';

const OUT = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
const CONVERT = process.env.CONVERT ?? 'convert';
const IMAGES = path.join(OUT, 'images');

export interface Case {
  description: string;
  image: string;
  split: Split | 'walking';
  category: string;
  /** Frames of the same camera to send first, unscored (walking cases: motion.ts needs a background). */
  history?: string[];
  /** Fallen people (must be called `fall`). */
  falls: Box[];
  /** People who must be found, not called `fall` (only the walking measurement labels them). */
  people: Box[];
  ignore: Box[];
}

let seed = 20240611;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}
const between = (a: number, b: number): number => a + rand() * (b - a);

// stderr is dropped: ImageMagick warns about metadata it skips in some PNGs.
const im = (args: string[]): void => void execFileSync(CONVERT, args, { stdio: 'ignore' });

const sizes = new Map<string, [number, number]>();
/** A picture's size (asked once per file: every piece has a file of its own). */
function identify(file: string): [number, number] {
  if (!sizes.has(file)) {
    const [w, h] = execFileSync('identify', ['-format', '%w %h', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(' ').map(Number);
    sizes.set(file, [w!, h!]);
  }
  return sizes.get(file)!;
}

/** The box's corners turned `deg` clockwise on screen (ImageMagick's -rotate) about (cx, cy), moved to (ox, oy). */
function rotatedBox(box: Box, cx: number, cy: number, deg: number, ox: number, oy: number): Box {
  const a = (deg * Math.PI) / 180;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[box[0], box[1]], [box[2], box[1]], [box[0], box[3]], [box[2], box[3]]] as const) {
    const dx = x - cx;
    const dy = y - cy;
    xs.push(ox + dx * Math.cos(a) - dy * Math.sin(a));
    ys.push(oy + dx * Math.sin(a) + dy * Math.cos(a));
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const norm = (b: Box, w: number, h: number): Box =>
  [b[0] / w, b[1] / h, b[2] / w, b[3] / h].map((v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000) as Box;
const shift = (b: Box, x: number, y: number): Box => [b[0] + x, b[1] + y, b[2] + x, b[3] + y];

/** A ground as a frame: its resize arguments and size; `hd` fills 1920×1080 (scaled to 1920 wide, the bottom kept). */
function frameOf(g: Ground, hd = false): { args: string[]; w: number; h: number; scale: number; dy: number } {
  const [w0, h0] = identify(g.file);
  const s0 = g.resize ? 640 / w0 : 1;
  if (!hd) return { args: g.resize ? ['-resize', g.resize] : [], w: Math.round(w0 * s0), h: Math.round(h0 * s0), scale: 1, dy: 0 };
  const scale = 1920 / (w0 * s0);
  const dy = Math.max(0, Math.round(h0 * s0 * scale) - 1080);
  return { args: ['-resize', '1920x', '-crop', `1920x1080+0+${dy}`, '+repage'], w: 1920, h: 1080, scale, dy };
}

interface Piece { file: string; w: number; h: number; box: Box }
let pieceNo = 0;

/**
 * Rows [top, bottom) of a person's hand box (fractions of its height),
 * scaled so the WHOLE box would be `length` px tall, turned `deg` clockwise.
 * Returns the transparent piece and the cut part's box in its pixels.
 */
function cut(p: Person, top: number, bottom: number, length: number, deg: number, grey = false): Piece {
  const m = 3;
  const bh = p.box[3] - p.box[1];
  const y0 = p.box[1] + Math.round(top * bh);
  const y1 = p.box[1] + Math.round(bottom * bh);
  const [cw, ch] = [p.box[2] - p.box[0] + 2 * m, y1 - y0 + 2 * m];
  const scale = length / bh;
  const file = path.join(OUT, `piece-${pieceNo++}.png`);
  im([p.file, '-crop', `${cw}x${ch}+${p.box[0] - m}+${y0 - m}`, '+repage', '-resize', `${(scale * 100).toFixed(2)}%`,
    ...(grey ? ['-colorspace', 'Gray', '-colorspace', 'sRGB'] : []), '-background', 'none', '-rotate', deg.toFixed(2), file]);
  const [w, h] = identify(file);
  const inner: Box = [m * scale, m * scale, (cw - m) * scale, (ch - m) * scale];
  return { file, w, h, box: rotatedBox(inner, (cw * scale) / 2, (ch * scale) / 2, deg, w / 2, h / 2) };
}

/** A random top-left in the ground region (scaled to the frame) where a w×h piece fits; `stand` puts its bottom in the region. */
function spot(g: Ground, f: { w: number; h: number; scale: number; dy: number }, w: number, h: number, stand = false): [number, number] {
  const [x0, y0, x1, y1] = [g.region[0] * f.scale, g.region[1] * f.scale - f.dy, g.region[2] * f.scale, g.region[3] * f.scale - f.dy];
  const x = x0 + rand() * Math.max(0, x1 - x0 - w);
  const y = stand ? y0 + rand() * (y1 - y0) - h : y0 + rand() * Math.max(0, y1 - y0 - h);
  return [Math.round(Math.max(0, Math.min(f.w - w, x))), Math.round(Math.max(0, Math.min(f.h - h, y)))];
}

const cases: Record<string, Case> = {};

function write(name: string, c: Omit<Case, 'image'>, ground: string[], layers: string[], post: string[] = []): void {
  const image = path.join(IMAGES, `${name}.jpg`);
  im([...ground, ...layers, ...post, '-strip', '-quality', '88', image]);
  cases[name] = { ...c, image };
}

/** One person laid on a ground, `length` px long, turned `deg`. */
function lying(p: Person, g: Ground, category: string, length: number, deg: number, hd = false, grey = false): string {
  const f = frameOf(g, hd);
  const piece = cut(p, 0, 1, length, deg, grey || !!g.night);
  const [x, y] = spot(g, f, piece.w, piece.h);
  const name = `${p.split}-${category}-${p.name}-on-${g.name}-${Math.round(length)}px-${deg.toFixed(0)}${hd ? '-1080p' : ''}`;
  write(name, {
    description: `${p.name} turned ${deg.toFixed(0)}°, ${Math.round(length)} px long, on ${g.name}${g.crowd ? ' among upright people' : ''}${hd ? ' in 1920×1080' : ''}`,
    split: p.split, category, falls: [norm(shift(piece.box, x, y), f.w, f.h)], people: [], ignore: [],
  }, [g.file, ...f.args], [piece.file, '-geometry', `+${x}+${y}`, '-composite']);
  return name;
}

/** A lying person, a third to a half of the body (from one end) under a rectangle of another real photo. */
function hidden(p: Person, g: Ground, n: number): void {
  const f = frameOf(g);
  const deg = (n % 2 ? 90 : -90) + between(-10, 10);
  const piece = cut(p, 0, 1, f.w * 0.3, deg);
  const [x, y] = spot(g, f, piece.w, piece.h);
  const b = shift(piece.box, x, y);
  const cover = Math.round((b[2] - b[0]) * between(0.33, 0.5));
  const fromLeft = rand() < 0.5;
  const occ = OCCLUDERS[p.split][n % OCCLUDERS[p.split].length]!;
  const ox = Math.round(fromLeft ? b[0] - 4 : b[2] - cover);
  const oy = Math.round(b[1] - 8);
  const visible: Box = fromLeft ? [b[0] + cover - 4, b[1], b[2], b[3]] : [b[0], b[1], b[2] - cover, b[3]];
  const name = `${p.split}-hidden-${p.name}-on-${g.name}-${n}`;
  write(name, {
    description: `${p.name} lying on ${g.name}, ${Math.round((100 * cover) / (b[2] - b[0]))}% covered from the ${fromLeft ? 'left' : 'right'}`,
    split: p.split, category: 'hidden', falls: [norm(visible, f.w, f.h)], people: [], ignore: [],
  }, [g.file, ...f.args], [piece.file, '-geometry', `+${x}+${y}`, '-composite',
    '(', occ.file, '-crop', occ.crop, '+repage', '-resize', `${cover + 4}x${Math.round(b[3] - b[1] + 16)}!`, ')', '-geometry', `+${ox}+${oy}`, '-composite']);
}

/** An upright pose made of cut parts standing on the ground: sitting on the floor, kneeling, crouching, bending over. */
function posed(p: Person, g: Ground, kind: 'sitting-floor' | 'kneeling' | 'crouching' | 'bending', length: number): void {
  const f = frameOf(g);
  const layers: string[] = [];
  let category = kind === 'sitting-floor' ? 'sitting' : kind === 'bending' ? 'bending' : 'crouch-kneel';
  if (kind === 'sitting-floor' || kind === 'kneeling') {
    const piece = cut(p, 0, kind === 'kneeling' ? 0.74 : 0.56, length, 0);
    const [x, y] = spot(g, f, piece.w, piece.h, true);
    layers.push(piece.file, '-geometry', `+${x}+${y}`, '-composite');
  } else if (kind === 'crouching') {
    const upper = cut(p, 0, 0.5, length, between(-15, 15));
    const shins = cut(p, 0.76, 1, length, 0);
    const [x, y] = spot(g, f, Math.max(upper.w, shins.w), upper.h + shins.h, true);
    layers.push(shins.file, '-geometry', `+${x + Math.round((upper.w - shins.w) / 2)}+${y + upper.h - 6}`, '-composite',
      upper.file, '-geometry', `+${x}+${y}`, '-composite');
  } else {
    // The upper half turned about the hip (its bottom centre), set on the legs.
    const deg = (rand() < 0.5 ? 1 : -1) * between(75, 105);
    const upper = cut(p, 0, 0.5, length, deg);
    const legs = cut(p, 0.48, 1, length, 0);
    const uh = (0.5 * length) + 6;
    const a = (deg * Math.PI) / 180;
    const hip = [upper.w / 2 - (uh / 2) * Math.sin(a), upper.h / 2 + (uh / 2) * Math.cos(a)];
    const [x, y] = spot(g, f, legs.w + upper.w, legs.h + upper.h / 2, true);
    const lx = x + Math.round(upper.w / 2);
    const ly = y + Math.round(upper.h / 2);
    layers.push(legs.file, '-geometry', `+${lx}+${ly}`, '-composite',
      upper.file, '-geometry', `+${Math.round(lx + legs.w / 2 - hip[0]!)}+${Math.round(ly + 3 - hip[1]!)}`, '-composite');
    category = 'bending';
  }
  const name = `${p.split}-${category}-${kind}-${p.name}-on-${g.name}`;
  write(name, { description: `${p.name} ${kind.replace('-', ' on the ')} on ${g.name} (synthesised)`, split: p.split, category, falls: [], people: [], ignore: [] },
    [g.file, ...f.args], layers);
}

/** A grey, dark, noisy copy of a case (a night camera's look), labelled the same. */
function night(name: string): void {
  const c = cases[name]!;
  write(`${name}-night`, { ...c, category: 'night', description: `${c.description}, grey, dark and noisy` },
    [c.image], [], ['-colorspace', 'Gray', '-evaluate', 'multiply', '0.45', '-attenuate', '0.6', '+noise', 'Gaussian', '-colorspace', 'sRGB']);
}

/** Whole frames turned a quarter: the person lies, and so does everything else. */
function turnedFrames(): void {
  const turnedSources = [
    ...PEOPLE.filter((x) => !x.file.endsWith('kite.jpg') && !x.file.endsWith('human-samples.jpg')),
    // The npm thumbnail person, cut and upscaled ×3: the box [567,5,625,153] becomes [81,15,255,459] in 330×480.
    { name: 'woman-red', file: `${SRC}/human-samples.jpg`, box: [81, 15, 255, 459] as Box, split: 'held' as Split, crop: ['-crop', '110x160+540+0', '+repage', '-resize', '300%'] },
  ];
  for (const p of turnedSources) {
    const crop = 'crop' in p ? p.crop : [];
    const [w, h] = 'crop' in p ? [330, 480] : identify(p.file);
    for (const side of [90, -90]) {
      const turn = (b: Box): Box => (side > 0 ? [h - b[3], b[0], h - b[1], b[2]] : [b[1], w - b[2], b[3], w - b[0]]);
      const falls = [turn(p.box)];
      // basketball1's second player (golden label) lies too; basketball2's
      // right-hand man is cut off by the frame: ignore him.
      if (p.name === 'player-dark') falls.push(turn([435, 22, 640, 480]));
      const ignore: Box[] = p.name === 'player-grey' ? [norm(turn([425, 15, 640, 480]), h, w)] : [];
      write(`${p.split}-fallen-90-${p.name}-frame-${side > 0 ? 'cw' : 'ccw'}`, {
        description: `${p.name}'s whole frame turned ${side}°`, split: p.split, category: 'fallen-90', falls: falls.map((b) => norm(b, h, w)), people: [], ignore,
      }, [p.file, ...crop], [], ['-rotate', String(side)]);
    }
  }
}

function scenes(): void {
  for (const s of SCENES) {
    write(`${s.split}-${s.category}-${s.name}`, { description: `real: ${s.name}`, split: s.split, category: s.category, falls: [], people: [], ignore: [] },
      [s.file, ...(s.crop ? ['-crop', s.crop, '+repage'] : []), ...(s.upscale ? ['-resize', '300%'] : [])], [], ['-resize', '640x640>']);
  }
}

function synthesised(split: Split): void {
  const grounds = GROUNDS.filter((g) => g.split === split);
  const open = grounds.filter((g) => !g.crowd);
  const crowd = grounds.filter((g) => g.crowd && !g.night);
  const dark = grounds.filter((g) => g.night);
  const width = (g: Ground): number => frameOf(g).w;
  for (const p of PEOPLE.filter((x) => x.split === split)) {
    for (const g of open) {
      for (const frac of [0.16, 0.26, 0.4]) {
        for (const side of [90, -90]) {
          const name = lying(p, g, 'fallen-90', frac * width(g), side + between(-12, 12));
          if (g === open[0] && frac === 0.26 && side > 0) night(name);
        }
      }
      for (const frac of [0.26, 0.4]) {
        for (const side of [1, -1]) lying(p, g, 'fallen-diagonal', frac * width(g), side * (between(30, 60) + (rand() < 0.5 ? 90 : 0)));
      }
    }
    for (const g of crowd) for (const frac of [0.2, 0.33]) lying(p, g, 'crowd-one-down', frac * width(g), (rand() < 0.5 ? 90 : -90) + between(-12, 12));
    for (const [i, g] of [...open, ...crowd].entries()) lying(p, g, 'small', between(42, 58), (i % 2 ? 90 : -90) + between(-12, 12));
    lying(p, open[0]!, 'small', between(42, 58), 90 + between(-12, 12), true);
    for (const g of dark) for (const frac of [0.16, 0.3]) lying(p, g, 'night', frac * width(g), (rand() < 0.5 ? 90 : -90) + between(-12, 12));
    hidden(p, open[0]!, 1);
    hidden(p, open[1 % open.length]!, 2);
    for (const kind of ['sitting-floor', 'kneeling', 'crouching', 'bending'] as const) {
      for (const g of [open[0]!, crowd[0]!]) posed(p, g, kind, between(0.3, 0.45) * frameOf(g).h);
    }
  }
}

function main(): void {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(IMAGES, { recursive: true });
  turnedFrames();
  scenes();
  for (const split of ['dev', 'held'] as const) synthesised(split);
  // Night copies of standing scenes.
  for (const name of ['dev-standing-woman-dog', 'dev-standing-gym-two', 'held-standing-office-two', 'held-standing-vtest-2']) night(name);
  Object.assign(cases, walkingCases(IMAGES));
  for (let i = 0; i < pieceNo; i++) rmSync(path.join(OUT, `piece-${i}.png`), { force: true });
  writeFileSync(path.join(OUT, 'cases.json'), JSON.stringify(cases, null, 1));
  const all = Object.values(cases);
  const line = (s: Split): string => `${s}: ${all.filter((c) => c.split === s).length} frames, ${all.filter((c) => c.split === s).reduce((n, c) => n + c.falls.length, 0)} fallen people`;
  const cats = [...new Set(all.map((c) => c.category))].map((k) => `${k} ${all.filter((c) => c.category === k).length}`).join(', ');
  process.stdout.write(`${line('dev')}; ${line('held')} → ${OUT}\n${cats}\n`);
}

main();
