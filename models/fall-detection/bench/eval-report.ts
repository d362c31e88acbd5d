/**
 * Scoring and tables for the fall-detection evaluation (eval.ts): fall
 * precision and recall per category, pose passes and ms per frame, and how
 * many labelled people were found (the walking measurement).
 */
import { pairBoxes } from '@ruth-ai/model-runtime/testing';
import { outsideRegions } from '../test/support/fall-metrics.js';

export type Box = [number, number, number, number];
export interface Labels { falls: Box[]; people: Box[]; ignore: Box[] }
export interface Det { class_name: string; bbox: number[]; fall_score?: number; view?: string; confidence?: number }

export interface Tally {
  frames: number;
  /** Fall calls paired with a labelled fallen person (IoU >= 0.5), unpaired fall calls, unfound fallen people. */
  tp: number;
  fp: number;
  fn: number;
  /** Labelled people (`people`) found by a detection of any class at IoU >= 0.5 / labelled. */
  found: number;
  labelled: number;
  passes: number;
  ms: number;
  failures: string[];
}
export const tally = (): Tally => ({ frames: 0, tp: 0, fp: 0, fn: 0, found: 0, labelled: 0, passes: 0, ms: 0, failures: [] });

const pairs = (expected: Box[], returned: Det[], min: number): number =>
  pairBoxes(expected.map((bbox) => ({ bbox })), returned, () => min).length;

const fmtBox = (b: readonly number[]): string => b.map((v) => v.toFixed(2)).join(',');

/** Adds one answered frame to a tally; a failure (missed or false fall) is listed with what came back. */
export function score(t: Tally, name: string, c: Labels, dets: Det[], passes: number, ms: number): void {
  // A detection centred in an ignore box (a person cut off by the frame) counts neither way.
  const kept = outsideRegions(dets, c.ignore);
  const falls = kept.filter((d) => d.class_name === 'fall');
  const matched = pairs(c.falls, falls, 0.5);
  t.frames++;
  t.passes += passes;
  t.ms += ms;
  t.tp += matched;
  t.fp += falls.length - matched;
  t.fn += c.falls.length - matched;
  t.labelled += c.people.length;
  const found = pairs(c.people, kept, 0.5);
  t.found += found;
  const got = (): string => kept.map((d) => `${d.class_name}(${d.fall_score ?? '?'},${d.view ?? '?'},c${d.confidence?.toFixed(2) ?? '?'})@${fmtBox(d.bbox)}`).join(' ') || 'nothing';
  if (matched < c.falls.length || falls.length > matched) {
    t.failures.push(`${name}: want ${c.falls.length} fall(s) [${c.falls.map(fmtBox).join(' | ')}], got ${got()}`);
  }
  if (found < c.people.length) {
    t.failures.push(`${name}: found ${found} of ${c.people.length} people [${c.people.map(fmtBox).join(' | ')}], got ${got()}`);
  }
}

export function merge(into: Tally, t: Tally): void {
  for (const k of ['frames', 'tp', 'fp', 'fn', 'found', 'labelled', 'passes', 'ms'] as const) into[k] += t[k];
}

const ratio = (n: number, d: number): string => (d ? `${(n / d).toFixed(2)} (${n}/${d})` : '—');

/** One markdown table: a row per category, then the overall row. */
export function table(rows: [string, Tally][]): string {
  const head = '| category | frames | fallen people | fall precision | fall recall | false falls | pose passes/frame | ms/frame |\n|---|---:|---:|---:|---:|---:|---:|---:|';
  const line = ([name, t]: [string, Tally]): string =>
    `| ${name} | ${t.frames} | ${t.tp + t.fn} | ${ratio(t.tp, t.tp + t.fp)} | ${ratio(t.tp, t.tp + t.fn)} | ${t.fp} | ` +
    `${(t.passes / Math.max(1, t.frames)).toFixed(2)} | ${(t.ms / Math.max(1, t.frames)).toFixed(0)} |`;
  return [head, ...rows.map(line)].join('\n');
}

/** The walking measurement's table: people found and false falls, per frame size. */
export function walkingTable(rows: [string, Tally][]): string {
  const head = '| vtest.avi frames | frames | people labelled | found (IoU ≥ 0.5) | called fallen | pose passes/frame | ms/frame |\n|---|---:|---:|---:|---:|---:|---:|';
  return [head, ...rows.map(([name, t]) =>
    `| ${name} | ${t.frames} | ${t.labelled} | ${ratio(t.found, t.labelled)} | ${t.fp} | ${(t.passes / Math.max(1, t.frames)).toFixed(2)} | ${(t.ms / Math.max(1, t.frames)).toFixed(0)} |`)].join('\n');
}
