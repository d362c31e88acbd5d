/**
 * The real photos the evaluation set is made from, and the hand labels drawn
 * on them (source pixels). Data only: eval-set.ts says how each category is
 * built from these. Every file comes from a Debian package (extracted under
 * EVAL_ROOT) or an npm package, copied or cut into EVAL_SRC as eval-set.ts's
 * header shows. A source belongs to ONE split: the held-out part never shows
 * a person or a background that the dev part (or the golden fixtures) shows.
 */
export type Box = [number, number, number, number];
export type Split = 'dev' | 'held';

const ROOT = process.env.EVAL_ROOT ?? '/tmp/falleval/root';
export const SRC = process.env.EVAL_SRC ?? '/tmp/falleval/src';
const DARKNET = `${ROOT}/usr/share/darknet/data`;
const OPENCV = `${ROOT}/usr/share/doc/opencv-doc/examples/data`;
const SKIMAGE = `${ROOT}/usr/lib/python3/dist-packages/skimage/data`;
export const VTEST = `${OPENCV}/vtest.avi`;

/** An upright, whole person, boxed by hand on the original. */
export interface Person { name: string; file: string; box: Box; split: Split }
export const PEOPLE: Person[] = [
  { name: 'woman-dog', file: `${DARKNET}/person.jpg`, box: [188, 97, 276, 375], split: 'dev' },
  { name: 'player-dark', file: `${OPENCV}/basketball1.png`, box: [35, 80, 160, 478], split: 'dev' },
  { name: 'beach-walker', file: `${DARKNET}/kite.jpg`, box: [215, 702, 272, 852], split: 'dev' },
  { name: 'player-grey', file: `${OPENCV}/basketball2.png`, box: [33, 80, 168, 478], split: 'held' },
  { name: 'woman-red', file: `${SRC}/human-samples.jpg`, box: [567, 5, 625, 153], split: 'held' },
  { name: 'beach-walker-2', file: `${DARKNET}/kite.jpg`, box: [113, 617, 163, 762], split: 'held' },
];

/**
 * A photo to put people on; `region` is where the ground is (pixels after
 * `resize`); `crowd` when upright people stand in it; `night` when it is a
 * night (thermal) frame, so pasted people are made grey to match.
 */
export interface Ground { name: string; file: string; resize?: string; region: Box; split: Split; crowd: boolean; night?: boolean }
export const GROUNDS: Ground[] = [
  { name: 'horses', file: `${DARKNET}/horses.jpg`, resize: '640x', region: [0, 300, 640, 424], split: 'dev', crowd: false },
  { name: 'woman-dog', file: `${DARKNET}/person.jpg`, region: [300, 320, 640, 424], split: 'dev', crowd: true },
  { name: 'gym', file: `${OPENCV}/basketball1.png`, region: [170, 380, 430, 478], split: 'dev', crowd: true },
  { name: 'station-hall', file: `${SRC}/pets-hall.png`, region: [400, 300, 680, 520], split: 'dev', crowd: true },
  { name: 'eagle-shore', file: `${DARKNET}/eagle.jpg`, resize: '640x', region: [0, 330, 640, 424], split: 'dev', crowd: false },
  { name: 'building-lawn', file: `${OPENCV}/building.jpg`, region: [0, 515, 868, 600], split: 'held', crowd: false },
  { name: 'cobbled-street', file: `${OPENCV}/leuvenA.jpg`, region: [0, 430, 751, 563], split: 'held', crowd: false },
  { name: 'vtest-grass', file: `${SRC}/vtest-03.png`, region: [0, 340, 360, 560], split: 'held', crowd: true },
  { name: 'vtest-grass-2', file: `${SRC}/vtest-07.png`, region: [380, 420, 700, 560], split: 'held', crowd: true },
  { name: 'office', file: `${OPENCV}/basketball2.png`, region: [180, 395, 430, 478], split: 'held', crowd: true },
  { name: 'campus-grass', file: `${SRC}/campus.jpg`, region: [0, 240, 330, 420], split: 'held', crowd: true },
  { name: 'thermal-park', file: `${SRC}/thermal-park.png`, region: [0, 370, 686, 534], split: 'held', crowd: true, night: true },
];

/** A real scene, labelled "no fall" (its people are not boxed: precision only). */
export interface Scene { name: string; file: string; crop?: string; upscale?: boolean; split: Split; category: string }
const thumb = (name: string, crop: string, category: string): Scene => ({ name, file: `${SRC}/human-samples.jpg`, crop, upscale: true, split: 'held', category });
export const SCENES: Scene[] = [
  // People standing and walking.
  ...[1, 2, 4, 5, 6, 8, 9, 10].map((i) => ({ name: `vtest-${i}`, file: `${SRC}/vtest-${String(i).padStart(2, '0')}.png`, split: 'held' as Split, category: 'standing' })),
  { name: 'office-two', file: `${OPENCV}/basketball2.png`, split: 'held', category: 'standing' },
  thumb('thumb-red', '110x160+540+0', 'standing'),
  thumb('thumb-top', '150x160+640+0', 'standing'),
  thumb('thumb-group', '200x160+912+0', 'standing'),
  thumb('thumb-three', '150x160+1128+0', 'standing'),
  { name: 'party-crowd', file: `${SRC}/human-samples.jpg`, crop: '1280x870+0+185', split: 'held', category: 'standing' },
  { name: 'kite-beach', file: `${DARKNET}/kite.jpg`, split: 'dev', category: 'standing' },
  { name: 'woman-dog', file: `${DARKNET}/person.jpg`, split: 'dev', category: 'standing' },
  { name: 'gym-two', file: `${OPENCV}/basketball1.png`, split: 'dev', category: 'standing' },
  { name: 'messi-kick', file: `${OPENCV}/messi5.jpg`, split: 'dev', category: 'standing' },
  { name: 'astronaut-portrait', file: `${SKIMAGE}/astronaut.png`, split: 'dev', category: 'standing' },
  { name: 'station-hall', file: `${SRC}/pets-hall.png`, split: 'dev', category: 'standing' },
  // Sitting on chairs (real).
  thumb('thumb-stool', '110x160+795+0', 'sitting'),
  thumb('thumb-table', '210x160+325+0', 'sitting'),
  thumb('thumb-seated-woman', '140x160+165+0', 'sitting'),
  { name: 'lecture-hall', file: `${SRC}/students.jpg`, split: 'held', category: 'sitting' },
  { name: 'desk-chessboard-1', file: `${OPENCV}/left01.jpg`, split: 'dev', category: 'sitting' },
  // Bending over (real): a cameraman bent to his camera.
  { name: 'cameraman', file: `${SKIMAGE}/camera.png`, split: 'dev', category: 'bending' },
  // Partly hidden (real): a person behind the calibration board they hold.
  ...[2, 5, 9].map((i) => ({ name: `desk-chessboard-${i}`, file: `${OPENCV}/left0${i}.jpg`, split: 'dev' as Split, category: 'hidden' })),
  ...[12, 14].map((i) => ({ name: `desk-chessboard-${i}`, file: `${OPENCV}/right${i}.jpg`, split: 'held' as Split, category: 'hidden' })),
  // Far away and small (real): campus pedestrians 40-80 px tall.
  { name: 'campus-walkers', file: `${SRC}/campus.jpg`, split: 'held', category: 'small' },
  // Night-like and grey (real): a thermal park frame, a grey photo.
  { name: 'thermal-walker', file: `${SRC}/thermal-park.png`, split: 'held', category: 'night' },
  { name: 'cameraman-grey', file: `${SKIMAGE}/camera.png`, split: 'dev', category: 'night' },
  // Nobody: plain scenes.
  ...['horses.jpg', 'dog.jpg', 'giraffe.jpg', 'eagle.jpg'].map((f) => ({ name: f.replace('.jpg', ''), file: `${DARKNET}/${f}`, split: 'dev' as Split, category: 'nobody-plain' })),
  ...['rocket.jpg', 'motorcycle_left.png'].map((f) => ({ name: f.replace(/\..*/, ''), file: `${SKIMAGE}/${f}`, split: 'dev' as Split, category: 'nobody-plain' })),
  ...['building.jpg', 'home.jpg', 'aero3.jpg', 'leuvenA.jpg', 'licenseplate_motion.jpg', 'apple.jpg'].map((f) => ({ name: f.replace(/\..*/, ''), file: `${OPENCV}/${f}`, split: 'held' as Split, category: 'nobody-plain' })),
  // Nobody: busy, textured close-ups (flowers, fruit, animal faces, carpets, shelves).
  ...['chelsea.png', 'coffee.png', 'brick.png', 'grass.png', 'gravel.png', 'ihc.png'].map((f) => ({ name: f.replace(/\..*/, ''), file: `${SKIMAGE}/${f}`, split: 'dev' as Split, category: 'nobody-textured' })),
  ...['fruits.jpg', 'baboon.jpg', 'smarties.png', 'board.jpg', 'graf1.png', 'starry_night.jpg', 'stuff.jpg', 'butterfly.jpg', 'squirrel_cls.jpg', 'aloeL.jpg', 'rubberwhale1.png', 'orange.jpg']
    .map((f) => ({ name: f.replace(/\..*/, ''), file: `${OPENCV}/${f}`, split: 'held' as Split, category: 'nobody-textured' })),
];

/** Occluders: a rectangle cut from another real photo (a box, a shelf, a car). */
export const OCCLUDERS: Record<Split, { file: string; crop: string }[]> = {
  dev: [{ file: `${SKIMAGE}/coffee.png`, crop: '200x150+0+0' }, { file: `${DARKNET}/dog.jpg`, crop: '220x160+120+120' }],
  held: [{ file: `${OPENCV}/box_in_scene.png`, crop: '200x150+100+100' }, { file: `${OPENCV}/home.jpg`, crop: '220x160+200+200' }],
};
