/**
 * Golden fixtures: models/<id>/test/golden/<case>.json. Each names a real
 * photo, the frame format to send it as, an optional per-request config and
 * the expected answer. The matcher pairs every expected detection with a
 * distinct returned one of the same class and IoU >= min_iou (best pairs
 * first), and with exact_count no extra detections are allowed.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { boxIou } from '../api/boxes.js';
import { cer } from './text-metrics.js';

export type Box = [number, number, number, number];

export interface ExpectedDetection {
  class_name: string;
  bbox: Box;
  min_iou?: number;
  /** Text models: the line as a person reads it; the returned `text` must be within max_cer of it. */
  text?: string;
  max_cer?: number;
}

export interface GoldenCase {
  name: string;
  file: string;
  description: string;
  /** Absolute path of the JPEG/PNG. */
  image: string;
  format: string;
  config: Record<string, unknown> | null;
  expect: {
    error_code: string | null;
    detections: ExpectedDetection[];
    exact_count: boolean;
  };
}

export interface ReturnedDetection {
  class_name: string;
  bbox: number[];
  confidence?: number;
  text?: unknown;
}

const DEFAULT_MIN_IOU = 0.5;
const DEFAULT_MAX_CER = 0.1;

/** Same class, and when text is expected, read within its character error rate. */
function sameThing(exp: ExpectedDetection, got: ReturnedDetection): boolean {
  if (exp.class_name !== got.class_name) return false;
  if (exp.text === undefined) return true;
  return typeof got.text === 'string' && cer(exp.text, got.text) <= (exp.max_cer ?? DEFAULT_MAX_CER);
}

export function loadGoldenCases(modelDir: string): GoldenCase[] {
  const dir = join(modelDir, 'test', 'golden');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<GoldenCase> & { image?: string; expect?: Partial<GoldenCase['expect']> };
      if (typeof raw.image !== 'string') throw new Error(`${file}: "image" must name a JPEG or PNG relative to this file`);
      return {
        name: basename(f, '.json'),
        file,
        description: raw.description ?? '',
        image: resolve(dirname(file), raw.image),
        format: raw.format ?? 'NV12',
        config: raw.config ?? null,
        expect: {
          error_code: raw.expect?.error_code ?? null,
          detections: raw.expect?.detections ?? [],
          exact_count: raw.expect?.exact_count ?? true,
        },
      };
    });
}

/** The runtime's box IoU, under the name the golden tests and benches import. */
export const iou = boxIou;

export interface BoxPair {
  /** Index into the expected list. */
  e: number;
  /** Index into the returned list. */
  r: number;
  iou: number;
}

/**
 * One-to-one pairing of expected and returned boxes: every candidate pair
 * with IoU >= minIou(e) and allowed by `compatible`, best overlaps first.
 * Greedy, which is optimal for the well-separated boxes fixtures have.
 */
export function pairBoxes(
  expected: readonly { bbox: readonly number[] }[],
  returned: readonly { bbox: readonly number[] }[],
  minIou: (e: number) => number,
  compatible: (e: number, r: number) => boolean = () => true,
): BoxPair[] {
  const candidates: BoxPair[] = [];
  expected.forEach((exp, e) => {
    returned.forEach((got, r) => {
      if (!compatible(e, r)) return;
      const v = iou(exp.bbox, got.bbox);
      if (v >= minIou(e)) candidates.push({ e, r, iou: v });
    });
  });
  candidates.sort((x, y) => y.iou - x.iou);
  const usedE = new Set<number>();
  const usedR = new Set<number>();
  const pairs: BoxPair[] = [];
  for (const p of candidates) {
    if (usedE.has(p.e) || usedR.has(p.r)) continue;
    usedE.add(p.e);
    usedR.add(p.r);
    pairs.push(p);
  }
  return pairs;
}

/** Problems found, in words; an empty list means the answer matches. */
export function matchDetections(expected: readonly ExpectedDetection[], returned: readonly ReturnedDetection[], exactCount: boolean): string[] {
  const pairs = pairBoxes(
    expected,
    returned,
    (e) => expected[e]!.min_iou ?? DEFAULT_MIN_IOU,
    (e, r) => sameThing(expected[e]!, returned[r]!),
  );
  const usedE = new Set(pairs.map((p) => p.e));
  const usedR = new Set(pairs.map((p) => p.r));
  const problems: string[] = [];
  expected.forEach((exp, e) => {
    if (usedE.has(e)) return;
    const best = returned
      .filter((r) => r.class_name === exp.class_name)
      .map((r) => iou(exp.bbox, r.bbox))
      .reduce((m, v) => Math.max(m, v), 0);
    const what = exp.text === undefined ? exp.class_name : `${exp.class_name} ${JSON.stringify(exp.text)} (max CER ${exp.max_cer ?? DEFAULT_MAX_CER})`;
    const read = exp.text === undefined ? '' : `; read there: ${JSON.stringify(returned.filter((r) => iou(exp.bbox, r.bbox) > 0).map((r) => r.text))}`;
    problems.push(`expected ${what} at [${exp.bbox.map((v) => v.toFixed(3)).join(', ')}] (min IoU ${exp.min_iou ?? DEFAULT_MIN_IOU}); best ${exp.class_name} IoU was ${best.toFixed(3)}${read}`);
  });
  if (exactCount && returned.length !== expected.length) {
    const extra = returned.filter((_, r) => !usedR.has(r)).map((r) => `${r.class_name}@[${r.bbox.map((v) => v.toFixed(3)).join(', ')}]`);
    problems.push(`expected exactly ${expected.length} detection(s), got ${returned.length}${extra.length ? `; unmatched: ${extra.join(' ')}` : ''}`);
  }
  return problems;
}
