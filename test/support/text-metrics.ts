/**
 * Text accuracy for OCR fixtures. The character error rate is the edit
 * distance between expected and read text over the expected length, with
 * whitespace ignored, as PaddleOCR's own metric does (ignore_space): text
 * detectors split and join words unpredictably, and a missing space is not a
 * misread character. cerWithSpaces keeps them, for reports.
 */
import { distance } from 'fastest-levenshtein';

const squash = (s: string): string => s.replace(/\s+/g, '');

export function cer(expected: string, got: string): number {
  const e = squash(expected);
  if (e.length === 0) return squash(got).length === 0 ? 0 : 1;
  return distance(e, squash(got)) / e.length;
}

export function cerWithSpaces(expected: string, got: string): number {
  const e = expected.trim().replace(/\s+/g, ' ');
  if (e.length === 0) return got.trim().length === 0 ? 0 : 1;
  return distance(e, got.trim().replace(/\s+/g, ' ')) / e.length;
}
