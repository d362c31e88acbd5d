/**
 * Words of one line that the detector found as separate boxes, joined back
 * into the line: the detector splits a line where the gap between two
 * words is wide, and the answer is one detection per line. Two read lines
 * are joined when they run the same way, sit on the same axis, are about
 * as high, and the gap between them is under half their height (EasyOCR's
 * box-merging rule: ycenter_ths, height_ths and width_ths of 0.5). Joining
 * happens after recognition, on lines that passed the score, so a stray
 * mark beside a word is never glued onto it, and nothing is read twice.
 */
import type { TextLine } from './lines.js';
import type { Pt } from './quad.js';

export interface ReadLine {
  line: TextLine;
  text: string;
  score: number;
}

/** The largest gap, across the line's axis offset and height difference, as a share of the height. */
const JOIN_SHARE = 0.5;
/** Lines at most this far apart in direction (cos 10°). */
const SAME_DIRECTION = Math.cos((10 * Math.PI) / 180);

const sub = (a: Pt, b: Pt): Pt => [a[0] - b[0], a[1] - b[1]];
const dot = (a: Pt, b: Pt): number => a[0] * b[0] + a[1] * b[1];
const centre = (l: TextLine): Pt => [(l.upright[0][0] + l.upright[2][0]) / 2, (l.upright[0][1] + l.upright[2][1]) / 2];

/** Unit vector along the line's reading direction (its upright top edge). */
function direction(l: TextLine): Pt {
  const d = sub(l.upright[1], l.upright[0]);
  const n = Math.hypot(d[0], d[1]) || 1;
  return [d[0] / n, d[1] / n];
}

/** True when `b` continues `a` to its right on the same line. */
export function continues(a: TextLine, b: TextLine): boolean {
  const u = direction(a);
  if (dot(u, direction(b)) < SAME_DIRECTION) return false;
  const h = (a.height + b.height) / 2;
  const d = sub(centre(b), centre(a));
  const along = dot(d, u);
  const across = Math.abs(d[0] * -u[1] + d[1] * u[0]);
  const gap = along - (a.width + b.width) / 2;
  return along > 0 && across < JOIN_SHARE * h && Math.abs(a.height - b.height) < JOIN_SHARE * h && gap > -JOIN_SHARE * h && gap < JOIN_SHARE * h;
}

/** a's left end and b's right end; the text joined with a space; the score weighted by characters. */
function join(a: ReadLine, b: ReadLine): ReadLine {
  const [tl, , , bl] = a.line.upright;
  const [, tr, br] = b.line.upright;
  const upright: TextLine['upright'] = [tl, tr, br, bl];
  const width = Math.max(Math.hypot(tr[0] - tl[0], tr[1] - tl[1]), Math.hypot(br[0] - bl[0], br[1] - bl[1]));
  const line: TextLine = { quad: upright, upright, width, height: Math.max(a.line.height, b.line.height), detScore: Math.min(a.line.detScore, b.line.detScore) };
  const chars = a.text.length + b.text.length;
  return { line, text: `${a.text} ${b.text}`, score: (a.score * a.text.length + b.score * b.text.length) / chars };
}

/**
 * Joins the words of each line, in place of the reading order's first word.
 * Only lines read level (their crop corners are their frame corners:
 * not vertical, not turned over) are joined, so the joined polygon stays
 * in the frame's own orientation.
 */
export function joinWords(read: ReadLine[]): ReadLine[] {
  const out = [...read];
  for (let joined = true; joined; ) {
    joined = false;
    for (let i = 0; i < out.length && !joined; i++) {
      for (let j = 0; j < out.length && !joined; j++) {
        const a = out[i]!;
        const b = out[j]!;
        if (i === j || a.line.upright !== a.line.quad || b.line.upright !== b.line.quad || !continues(a.line, b.line)) continue;
        out[i] = join(a, b);
        out.splice(j, 1);
        joined = true;
      }
    }
  }
  return out;
}
