/**
 * The three PP-OCR stages on one frame, each on its own ONNX session:
 *   detect     DB map of the letterboxed input -> text lines in frame pixels
 *   classify   lines read upside down (180°) are turned over
 *   recognise  each line cut upright from the full frame -> text + score
 */
import { contentSize, type Frame, type InputTensor, type NamedSession, type OrtModule } from '@ruth-ai/model-runtime';
import { ctcDecode, type Decoded } from './ctc.js';
import { dbBoxes } from './db-boxes.js';
import { cropLine, mapQuadToFrame, middleOf, readingOrder, toLine, turnHalf, type TextLine } from './lines.js';
import type { Settings } from './settings.js';
import { batchTensor } from './tensors.js';

export interface Ocr {
  ort: OrtModule;
  det: NamedSession;
  cls: NamedSession;
  rec: NamedSession;
  dictionary: string[];
}

/** Recogniser and classifier input height; the classifier's width. */
const LINE_HEIGHT = 48;
const CLS_WIDTH = 192;
/** PaddleOCR's minimum recogniser width; lines are never squeezed below their aspect. */
const REC_MIN_WIDTH = 320;
/** A line wider than 40 heights is squeezed to that (about 1920 px). */
const REC_MAX_WIDTH = 40 * LINE_HEIGHT;
/** The classifier must be this sure before a line is turned over. */
const CLS_TURN_SCORE = 0.9;
/** PaddleOCR's max_candidates. */
const MAX_REGIONS = 1000;

export async function detect(ocr: Ocr, input: InputTensor, s: Settings): Promise<{ lines: TextLine[]; detMs: number; postMs: number }> {
  const t0 = performance.now();
  const [, , h, w] = input.shape as [number, number, number, number];
  const out = await ocr.det.run({ [ocr.det.inputs[0]!]: new ocr.ort.Tensor('float32', input.data as Float32Array, input.shape) });
  const map = out[ocr.det.outputs[0]!]!;
  const t1 = performance.now();
  const g = input.geometry;
  const content = contentSize(g);
  const roi: [number, number, number, number] = [g.padX, g.padY, g.padX + content.width, g.padY + content.height];
  const boxes = dbBoxes(map.data as Float32Array, w, h, roi, { ...s, maxCandidates: MAX_REGIONS });
  boxes.sort((a, b) => b.score - a.score);
  const lines: TextLine[] = [];
  for (const box of boxes) {
    const line = toLine(mapQuadToFrame(g, box.quad), box.score);
    if (line) lines.push(line);
    if (lines.length === s.maxLines) break;
  }
  return { lines: readingOrder(lines), detMs: t1 - t0, postMs: performance.now() - t1 };
}

/**
 * A line is turned over when two views agree it is upside down: the whole
 * line squeezed into the classifier's input (PaddleOCR's view, with its 0.9
 * threshold) and its unsqueezed middle. The squeezed view alone turns over
 * long upright lines whose squashed glyphs it cannot read.
 */
export async function classify(ocr: Ocr, frame: Frame, lines: TextLine[]): Promise<TextLine[]> {
  if (lines.length === 0) return lines;
  const views = [...lines, ...lines.map((l) => middleOf(l, CLS_WIDTH / LINE_HEIGHT))];
  const crops = views.map((l) => cropLine(frame, l, LINE_HEIGHT, CLS_WIDTH));
  const x = new ocr.ort.Tensor('float32', batchTensor(crops, LINE_HEIGHT, CLS_WIDTH), [crops.length, 3, LINE_HEIGHT, CLS_WIDTH]);
  const probs = (await ocr.cls.run({ [ocr.cls.inputs[0]!]: x }))[ocr.cls.outputs[0]!]!.data as Float32Array;
  // Two classes per crop: upright (0°) and upside down (180°).
  const turned = (i: number): number => probs[i * 2 + 1]!;
  return lines.map((l, i) => (turned(i) > CLS_TURN_SCORE && turned(lines.length + i) > 0.5 ? turnHalf(l) : l));
}

/**
 * Lines in batches of similar width (sorted by aspect, as PaddleOCR does),
 * each batch padded to its widest line: one ONNX call per batch.
 */
export async function recognise(ocr: Ocr, frame: Frame, lines: TextLine[], batchSize: number): Promise<Decoded[]> {
  const results: Decoded[] = new Array(lines.length);
  const order = lines.map((l, i) => ({ i, aspect: l.width / l.height })).sort((a, b) => a.aspect - b.aspect);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const crops = batch.map(({ i }) => cropLine(frame, lines[i]!, LINE_HEIGHT, REC_MAX_WIDTH));
    const width = Math.max(REC_MIN_WIDTH, ...crops.map((c) => c.width));
    const x = new ocr.ort.Tensor('float32', batchTensor(crops, LINE_HEIGHT, width), [crops.length, 3, LINE_HEIGHT, width]);
    const y = (await ocr.rec.run({ [ocr.rec.inputs[0]!]: x }))[ocr.rec.outputs[0]!]!;
    const [, steps, classes] = y.dims as [number, number, number];
    ctcDecode(y.data as Float32Array, crops.length, steps, classes, ocr.dictionary).forEach((d, k) => (results[batch[k]!.i] = d));
  }
  return results;
}
