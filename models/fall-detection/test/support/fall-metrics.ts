/**
 * Precision and recall of `fall`, and box quality, over golden cases.
 * A returned `fall` is a true positive when it pairs (same class, IoU >= 0.5,
 * each used once, best overlaps first) with an expected `fall`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pairBoxes, type ExpectedDetection, type ReturnedDetection } from '@ruth-ai/model-runtime/testing';

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  /** IoU of every matched expected box (any class), for the IoU floor. */
  ious: number[];
}

export function emptyTally(): Tally {
  return { tp: 0, fp: 0, fn: 0, ious: [] };
}

/** IoUs of the best-first one-to-one pairs at IoU >= minIou. */
function pair(expected: ExpectedDetection[], returned: ReturnedDetection[], minIou: number): number[] {
  return pairBoxes(expected, returned, () => minIou).map((p) => p.iou);
}

export function addCase(t: Tally, expected: ExpectedDetection[], returned: ReturnedDetection[]): void {
  const expFall = expected.filter((d) => d.class_name === 'fall');
  const gotFall = returned.filter((d) => d.class_name === 'fall');
  const fallPairs = pair(expFall, gotFall, 0.5);
  t.tp += fallPairs.length;
  t.fp += gotFall.length - fallPairs.length;
  t.fn += expFall.length - fallPairs.length;
  // Box quality regardless of the fall call: is each labelled person found where labelled?
  t.ious.push(...pair(expected, returned, 0.01));
}

export function summarise(t: Tally): { precision: number; recall: number; minIou: number; meanIou: number } {
  const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
  const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
  const minIou = t.ious.length ? Math.min(...t.ious) : 0;
  const meanIou = t.ious.length ? t.ious.reduce((s, v) => s + v, 0) / t.ious.length : 0;
  return { precision, recall, minIou, meanIou };
}

/**
 * This model's own golden field `unlabelled` of test/golden/<name>.json:
 * regions holding people too small to label one by one (normalised boxes).
 */
export function readUnlabelled(modelDir: string, name: string): number[][] {
  const file = path.join(modelDir, 'test/golden', `${name}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { unlabelled?: number[][] }).unlabelled ?? [];
}

/**
 * The detections whose box centre lies in none of `regions`: a detection
 * centred in an ignore or unlabelled region counts neither way.
 */
export function outsideRegions<T extends { bbox: readonly number[] }>(dets: readonly T[], regions: readonly (readonly number[])[]): T[] {
  const inside = (d: T, b: readonly number[]): boolean => {
    const cx = (d.bbox[0]! + d.bbox[2]!) / 2;
    const cy = (d.bbox[1]! + d.bbox[3]!) / 2;
    return cx >= b[0]! && cx <= b[2]! && cy >= b[1]! && cy <= b[3]!;
  };
  return dets.filter((d) => !regions.some((b) => inside(d, b)));
}
