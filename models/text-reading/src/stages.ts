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

/** The classifier's probability that each line is upside down (one batch). */
async function turnedProbability(ocr: Ocr, frame: Frame, views: TextLine[]): Promise<Float32Array> {
  if (views.length === 0) return new Float32Array(0);
  const crops = views.map((l) => cropLine(frame, l, LINE_HEIGHT, CLS_WIDTH));
  const x = new ocr.ort.Tensor('float32', batchTensor(crops, LINE_HEIGHT, CLS_WIDTH), [crops.length, 3, LINE_HEIGHT, CLS_WIDTH]);
  const probs = (await ocr.cls.run({ [ocr.cls.inputs[0]!]: x }))[ocr.cls.outputs[0]!]!.data as Float32Array;
  // Two classes per crop: upright (0°) and upside down (180°).
  return Float32Array.from(views, (_, i) => probs[i * 2 + 1]!);
}

/**
 * A line is turned over when two views agree it is upside down: its
 * unsqueezed middle (> 0.5) and the whole line squeezed into the
 * classifier's input (PaddleOCR's view, with its 0.9 threshold). The
 * squeezed view alone turns over long upright lines whose squashed glyphs
 * it cannot read. The middle is looked at first, for every line; the
 * squeezed view only for the long lines the middle calls upside down (a
 * short line's two views are the same picture), so an upright frame costs
 * one classifier input per line.
 */
export async function classify(ocr: Ocr, frame: Frame, lines: TextLine[]): Promise<TextLine[]> {
  const middles = lines.map((l) => middleOf(l, CLS_WIDTH / LINE_HEIGHT));
  const middle = await turnedProbability(ocr, frame, middles);
  const long = lines.map((_, i) => i).filter((i) => middle[i]! > 0.5 && middles[i] !== lines[i]);
  const whole = await turnedProbability(ocr, frame, long.map((i) => lines[i]!));
  const turned = Float32Array.from(middle);
  long.forEach((i, k) => (turned[i] = whole[k]!));
  return lines.map((l, i) => (turned[i]! > CLS_TURN_SCORE && middle[i]! > 0.5 ? turnHalf(l) : l));
}

/**
 * Crop widths may differ by this factor at most within one recognition
 * batch: each batch is padded to its widest crop, so padding wastes at most
 * this share of the recogniser's work (which grows with the input width).
 */
const REC_BUCKET_SPREAD = 1.25;

/** Indices of crops grouped by similar width, narrowest first, at most batchSize each. */
export function widthBuckets(widths: readonly number[], batchSize: number): number[][] {
  const order = widths.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
  const buckets: number[][] = [];
  for (const i of order) {
    const last = buckets.at(-1);
    if (last && last.length < batchSize && widths[i]! <= widths[last[0]!]! * REC_BUCKET_SPREAD) last.push(i);
    else buckets.push([i]);
  }
  return buckets;
}

/**
 * Each line cut at its own aspect (48 px high), then recognised in batches
 * of similar width, one ONNX call per batch padded to its widest line and
 * to at least minWidth.
 */
export async function recognise(ocr: Ocr, frame: Frame, lines: TextLine[], batchSize: number, minWidth: number): Promise<Decoded[]> {
  const results: Decoded[] = new Array(lines.length);
  const crops = lines.map((l) => cropLine(frame, l, LINE_HEIGHT, REC_MAX_WIDTH));
  for (const batch of widthBuckets(crops.map((c) => Math.max(minWidth, c.width)), batchSize)) {
    const group = batch.map((i) => crops[i]!);
    const width = Math.max(minWidth, ...group.map((c) => c.width));
    const x = new ocr.ort.Tensor('float32', batchTensor(group, LINE_HEIGHT, width), [group.length, 3, LINE_HEIGHT, width]);
    const y = (await ocr.rec.run({ [ocr.rec.inputs[0]!]: x }))[ocr.rec.outputs[0]!]!;
    const [, steps, classes] = y.dims as [number, number, number];
    ctcDecode(y.data as Float32Array, group.length, steps, classes, ocr.dictionary).forEach((d, k) => (results[batch[k]!] = d));
  }
  return results;
}
