/**
 * CTC greedy decoding (PaddleOCR's CTCLabelDecode): the best class per time
 * step, repeats merged, blanks (class 0) dropped. Class k >= 1 is line k of
 * ppocr_keys_v1.txt, and the last class is a space. The score is the mean
 * probability of the characters kept (0 for an empty line).
 */
export interface Decoded {
  text: string;
  score: number;
}

export function loadDictionary(text: string): string[] {
  const keys = text.split(/\r?\n/);
  if (keys.at(-1) === '') keys.pop();
  return ['', ...keys, ' '];
}

/** probs: [batch, steps, classes] softmax output. */
export function ctcDecode(probs: Float32Array, batch: number, steps: number, classes: number, dictionary: readonly string[]): Decoded[] {
  if (classes !== dictionary.length) throw new Error(`recogniser has ${classes} classes but the dictionary gives ${dictionary.length}`);
  const out: Decoded[] = [];
  for (let n = 0; n < batch; n++) {
    let text = '';
    let sum = 0;
    let kept = 0;
    let prev = -1;
    for (let t = 0; t < steps; t++) {
      const base = (n * steps + t) * classes;
      let best = 0;
      let p = probs[base]!;
      for (let c = 1; c < classes; c++) {
        if (probs[base + c]! > p) {
          p = probs[base + c]!;
          best = c;
        }
      }
      if (best !== 0 && best !== prev) {
        text += dictionary[best];
        sum += p;
        kept++;
      }
      prev = best;
    }
    out.push({ text, score: kept === 0 ? 0 : sum / kept });
  }
  return out;
}
