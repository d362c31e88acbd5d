/**
 * Frames for the bench's mixed-scene rows, taken from the evaluation set
 * (eval-set.ts; EVAL_OUT): a few frames of every category, dev and held
 * out, in rotation, written once as NV12 to /dev/shm; and the groups the
 * cost comparisons use (fallen vs standing, nobody vs people), also placed
 * in one frame size (placedFrames) so the comparison is between scenes, not
 * between picture shapes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeFrame } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { frameFromImage } from '@ruth-ai/model-runtime/testing';

export interface Frame {
  file: string;
  width: number;
  height: number;
  name: string;
  category: string;
  /** The eval picture it was made from. */
  image?: string;
}

const OUT = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
/** Frames per category and split: enough to mix sizes and scenes, few enough to stay in /dev/shm. */
const PER_CATEGORY = 4;

/** Every category's frames, interleaved (category 1, 2, …, 1, 2, …), or null when the set is not built. */
export async function mixedFrames(shm: string): Promise<Frame[] | null> {
  const file = path.join(OUT, 'cases.json');
  if (!existsSync(file)) return null;
  const cases = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { image: string; split: string; category: string }>;
  const groups = new Map<string, [string, { image: string; category: string }][]>();
  for (const [name, c] of Object.entries(cases).sort(([a], [b]) => a.localeCompare(b))) {
    const key = `${c.split}/${c.category}`;
    groups.set(key, [...(groups.get(key) ?? []), [name, c]]);
  }
  const picked: [string, { image: string; category: string }][][] = [];
  for (const list of groups.values()) {
    // Spread over the sorted list: different people, grounds and sizes.
    const step = Math.max(1, Math.floor(list.length / PER_CATEGORY));
    picked.push(list.filter((_, i) => i % step === 0).slice(0, PER_CATEGORY));
  }
  const frames: Frame[] = [];
  for (let i = 0; i < PER_CATEGORY; i++) {
    for (const list of picked) {
      const entry = list[i];
      if (!entry) continue;
      const [name, c] = entry;
      const f = await frameFromImage(c.image, 'NV12');
      const out = path.join(shm, `mixed-${name}.nv12`);
      writeFileSync(out, f.bytes);
      frames.push({ file: out, width: f.width, height: f.height, name, category: c.category, image: c.image });
    }
  }
  return frames;
}

/** The cost comparisons' groups (the issue's targets): a frame with someone fallen vs one with people standing; nobody vs people. */
export const COST_GROUPS: { label: string; categories: string[] }[] = [
  { label: 'standing people', categories: ['standing'] },
  { label: 'a fallen person', categories: ['fallen-90', 'fallen-diagonal', 'crowd-one-down'] },
  { label: 'nobody', categories: ['nobody-plain', 'nobody-textured'] },
];

/** The frame size placedFrames uses: the platform's usual 4:3. */
export const PLACED_SIZE: [number, number] = [640, 480];

/**
 * The same pictures, each scaled to fit PLACED_SIZE and centred on black, as
 * the platform sends a camera's picture in a larger frame. MoveNet's passes
 * cost what the picture's shape makes them (a square picture gets a 256×256
 * window, a 4:3 one 256×192): placed in one frame size, every frame gets the
 * same windows, and what is left to compare is the work each scene causes.
 */
export function placedFrames(shm: string, frames: Frame[]): Frame[] {
  const [W, H] = PLACED_SIZE;
  return frames.map((f) => {
    const img = decodeImage(readFileSync(f.image!));
    const s = Math.min(W / img.width, H / img.height);
    const [w, h] = [Math.round(img.width * s), Math.round(img.height * s)];
    const small = resizeRgb(img, w, h);
    const rgb = new Uint8Array(W * H * 3);
    const [x0, y0] = [Math.floor((W - w) / 2), Math.floor((H - h) / 2)];
    for (let y = 0; y < h; y++) rgb.set(small.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * W + x0) * 3);
    const file = path.join(shm, `placed-${f.name}.nv12`);
    writeFileSync(file, encodeFrame(rgb, W, H, 'NV12'));
    return { ...f, file, width: W, height: H };
  });
}

/** How many of the frames are square pictures (a 256×256 window instead of 256×192 or less). */
export const squareShare = (frames: Frame[]): string => `${frames.filter((f) => f.width === f.height).length} of ${frames.length} square`;
