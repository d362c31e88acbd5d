/**
 * Frames for the bench's mixed-scene rows, taken from the evaluation set
 * (eval-set.ts; EVAL_OUT): a few frames of every category, dev and held
 * out, in rotation, written once as NV12 to /dev/shm; and the groups the
 * cost comparisons use (fallen vs standing, nobody vs people).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { frameFromImage } from '@ruth-ai/model-runtime/testing';

export interface Frame {
  file: string;
  width: number;
  height: number;
  name: string;
  category: string;
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
      frames.push({ file: out, width: f.width, height: f.height, name, category: c.category });
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
