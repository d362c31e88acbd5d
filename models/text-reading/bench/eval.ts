/**
 * Evaluates text-reading on the held-out set (eval-set.json; not part of the
 * test suite) and, for comparison, on the golden fixtures, through the real
 * path: `ruth-model serve` on this folder, NV12 frames in /dev/shm, requests
 * over the Unix socket, model.yaml's defaults unless EVAL_CONFIG gives a
 * request config. Needs Debian's opencv-doc (installed, or extracted under
 * EVAL_ROOT). Reports, per set:
 *   CER          edit distance / expected length over all expected lines,
 *                each against its matched line (or its best one when none
 *                matched), whitespace ignored (the runtime's testing cer);
 *   line recall  expected lines read within 10% CER (one-to-one);
 *   line precision  returned lines that are such a match (optional lines
 *                count neither way).
 * Each is given case-sensitive and, as scene-text benchmarks usually
 * score, ignoring letter case (stylised sign lettering often has no clear
 * case). A line the detector splits into words counts as missed.
 *
 *   npm run eval:text-reading   [EVAL_ROOT=/] [EVAL_CONFIG='{"angle_check":"never"}']
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cer, loadGoldenCases } from '@ruth-ai/model-runtime/testing';
import { serveModel } from '../test/served-model.js';

interface Case { name: string; image: string; lines: string[]; optional: string[] }

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const MAX_CER = 0.1;
const CONFIG = process.env.EVAL_CONFIG ? (JSON.parse(process.env.EVAL_CONFIG) as Record<string, unknown>) : null;

function heldOut(): Case[] {
  const set = JSON.parse(readFileSync(path.join(MODEL_DIR, 'bench/eval-set.json'), 'utf8')) as { root: string; cases: { image: string; lines: string[]; optional?: string[] }[] };
  const root = path.join(process.env.EVAL_ROOT ?? '/', set.root);
  return set.cases.map((c) => ({ name: c.image, image: path.join(root, c.image), lines: c.lines, optional: c.optional ?? [] }));
}

function golden(): Case[] {
  return loadGoldenCases(MODEL_DIR).map((c) => ({ name: c.name, image: c.image, lines: c.expect.detections.map((d) => d.text ?? ''), optional: [] }));
}

interface Tally { expected: number; returned: number; matched: number; edits: number; chars: number; failures: string[] }

/** One-to-one matches within MAX_CER, lowest CER first. */
function score(t: Tally, c: Case, read: string[]): void {
  const pairs: { e: number; r: number; cer: number }[] = [];
  c.lines.forEach((e, i) => read.forEach((r, j) => pairs.push({ e: i, r: j, cer: cer(e, r) })));
  pairs.sort((a, b) => a.cer - b.cer);
  const usedE = new Map<number, number>();
  const usedR = new Set<number>();
  for (const p of pairs) {
    if (p.cer > MAX_CER || usedE.has(p.e) || usedR.has(p.r)) continue;
    usedE.set(p.e, p.cer);
    usedR.add(p.r);
  }
  // Returned lines that match nothing expected but an optional line count neither way.
  const extra = read.filter((r, j) => !usedR.has(j) && !c.optional.some((o) => cer(o, r) <= MAX_CER));
  t.expected += c.lines.length;
  t.returned += usedR.size + extra.length;
  t.matched += usedR.size;
  c.lines.forEach((e, i) => {
    const len = e.replace(/\s+/g, '').length;
    const best = usedE.get(i) ?? Math.min(1, ...read.map((r) => cer(e, r)));
    t.edits += best * len;
    t.chars += len;
  });
  const missed = c.lines.filter((_, i) => !usedE.has(i));
  if (missed.length > 0 || extra.length > 0) t.failures.push(`${c.name}: missed ${JSON.stringify(missed)}, extra ${JSON.stringify(extra)} (read ${JSON.stringify(read)})`);
}

async function main(): Promise<void> {
  const sets: [string, Case[]][] = [['held-out', heldOut()], ['golden (dev)', golden()]];
  const missing = sets[0][1].filter((c) => !existsSync(c.image));
  if (missing.length > 0) throw new Error(`eval pictures missing (apt-get install opencv-doc, or extract it and set EVAL_ROOT): ${missing.map((c) => c.image).join(', ')}`);
  const model = await serveModel(MODEL_DIR, 'text-reading', { loadTimeoutMs: 120_000, requestTimeoutMs: 60_000 });
  try {
    for (const [label, cases] of sets) {
      const t: Tally = { expected: 0, returned: 0, matched: 0, edits: 0, chars: 0, failures: [] };
      const folded: Tally = { expected: 0, returned: 0, matched: 0, edits: 0, chars: 0, failures: [] };
      const fold = (c: Case): Case => ({ ...c, lines: c.lines.map((l) => l.toLowerCase()), optional: c.optional.map((l) => l.toLowerCase()) });
      for (const c of cases) {
        const res = await model.ask(c, CONFIG);
        if (res.error) throw new Error(`${c.name}: ${res.error_code} ${res.error}`);
        const read = res.detections.map((d) => String(d.text));
        score(t, c, read);
        score(folded, fold(c), read.map((r) => r.toLowerCase()));
      }
      const rates = (x: Tally) => ({
        cer: +(x.edits / Math.max(1, x.chars)).toFixed(4),
        line_recall: +(x.matched / Math.max(1, x.expected)).toFixed(4),
        line_precision: +(x.matched / Math.max(1, x.returned)).toFixed(4),
      });
      const summary = { set: label, pictures: cases.length, expected_lines: t.expected, returned_lines: t.returned, ...rates(t), ignoring_case: rates(folded) };
      console.log(JSON.stringify(summary));
      for (const f of t.failures) console.log(`  ${f}`);
    }
  } finally {
    await model.stop();
  }
}

await main();
