/**
 * How far one MoveNet output is from another for the same input (the int8
 * model against the float one): each person the reference reports is
 * matched to the other output's person with the most overlapping box; the
 * answer is who was missed and how far the matched people's scores and
 * keypoints moved, in input pixels.
 */
import { boxIou } from '@ruth-ai/model-runtime';
import { decodePoses } from '../../src/keypoints.js';

export interface Agreement {
  /** Reference people (score >= minScore) with no person of the other output overlapping at IoU >= 0.5. */
  missed: number;
  /** People of the other output (score >= minScore) with no reference person overlapping at IoU >= 0.5. */
  extra: number;
  /** Largest |score difference| of a matched person. */
  maxScoreDiff: number;
  /** Every keypoint of the matched people: the reference's score for it, and how far it moved (input pixels). */
  moves: { score: number; px: number }[];
}

/** The largest move of a keypoint the reference scores at least `minScore`. */
export const maxMove = (a: Agreement, minScore: number): number => Math.max(0, ...a.moves.filter((m) => m.score >= minScore).map((m) => m.px));

export function poseAgreement(ref: Float32Array, got: Float32Array, w: number, h: number, minScore: number): Agreement {
  const a = decodePoses(ref, w, h);
  const b = decodePoses(got, w, h);
  const best = (p: (typeof a)[number], among: typeof a) =>
    among.map((q) => ({ q, iou: boxIou(p.box, q.box) })).sort((x, y) => y.iou - x.iou)[0];
  const out: Agreement = { missed: 0, extra: 0, maxScoreDiff: 0, moves: [] };
  for (const p of a.filter((p) => p.score >= minScore)) {
    const m = best(p, b);
    if (!m || m.iou < 0.5) {
      out.missed++;
      continue;
    }
    out.maxScoreDiff = Math.max(out.maxScoreDiff, Math.abs(p.score - m.q.score));
    p.keypoints.forEach((k, i) => out.moves.push({ score: k.score, px: Math.hypot(k.x - m.q.keypoints[i]!.x, k.y - m.q.keypoints[i]!.y) }));
  }
  for (const q of b.filter((q) => q.score >= minScore)) {
    const m = best(q, a);
    if (!m || m.iou < 0.5) out.extra++;
  }
  return out;
}
