/**
 * Text accuracy for OCR fixtures. The character error rate is the edit
 * distance between expected and read text over the expected length, with
 * whitespace ignored, as PaddleOCR's own metric does (ignore_space): text
 * detectors split and join words unpredictably, and a missing space is not a
 * misread character. The edit distance is the textbook two-row dynamic
 * programme, kept here rather than adding a dependency to the runtime
 * package for its testing helpers.
 */

/** Levenshtein distance (insertions, deletions, substitutions; by UTF-16 unit). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

export function cer(expected: string, got: string): number {
  const e = squash(expected);
  if (e.length === 0) return squash(got).length === 0 ? 0 : 1;
  return editDistance(e, squash(got)) / e.length;
}
