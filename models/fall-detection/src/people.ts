/**
 * A person as detectPeople reports them: a pose, its body geometry and the
 * fall call, with the pass that read it; plus what every pass shares:
 * turning poses into people, their box, and merging one person read twice.
 */
import { boxIou } from '@ruth-ai/model-runtime';
import { measureBody, type BodyGeometry } from './body-geometry.js';
import { assessFall, type FallAssessment, type FallRule } from './fall-decision.js';
import type { Pose } from './keypoints.js';
import type { Turn } from './rotate.js';

export interface Person {
  pose: Pose;
  body: BodyGeometry;
  fall: FallAssessment;
  pass: 'upright' | Turn | `${Turn}-zoom` | 'moving' | `turn${number}`;
}

export function toPeople(poses: Pose[], pass: Person['pass'], minScore: number, rule: FallRule): Person[] {
  return poses
    .filter((pose) => pose.score >= minScore)
    .map((pose) => {
      const body = measureBody(pose);
      return { pose, body, fall: assessFall(body, rule), pass };
    })
    .filter((p) => p.body.box !== null);
}

/** The box used for a person: the model's box joined with the visible keypoints'. */
export function personBox(p: Person): [number, number, number, number] {
  const m = p.pose.box;
  const k = p.body.box;
  if (!k) return m;
  return [Math.min(m[0], k[0]), Math.min(m[1], k[1]), Math.max(m[2], k[2]), Math.max(m[3], k[3])];
}

/** Intersection over the smaller box: catches a part-skeleton inside a whole one. */
export function overlap(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const smaller = Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
  return smaller > 0 ? (ix * iy) / smaller : 0;
}

/**
 * Greedy NMS across passes: best first, drop any later one that overlaps it.
 * "Best" is the model's person score weighted by how much of the body is
 * seen, so a full skeleton from a turned pass beats a broken upright read.
 */
export function mergePeople(people: Person[], iouLimit: number): Person[] {
  const quality = (p: Person): number => p.pose.score * (0.5 + p.body.visible / 34);
  const sorted = [...people].sort((a, b) => quality(b) - quality(a));
  const kept: Person[] = [];
  // A zoomed read can be a fragment of a person its square cut through, or
  // one already read whole: one box mostly inside the other is one person.
  const zoom = (p: Person): boolean => p.pass.endsWith('-zoom');
  const same = (p: Person, q: Person): boolean =>
    boxIou(personBox(p), personBox(q)) > iouLimit || ((zoom(p) || zoom(q)) && overlap(personBox(p), personBox(q)) > 0.6);
  for (const p of sorted) {
    if (!kept.some((q) => same(p, q))) kept.push(p);
  }
  return kept;
}
