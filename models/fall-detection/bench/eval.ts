/**
 * Evaluates fall-detection on the evaluation set made by eval-set.ts (not
 * part of the test suite) and on the golden fixtures, through the real path:
 * `ruth-model serve` on this folder, NV12 frames in /dev/shm, requests over
 * the Unix socket, the model.yaml defaults (rotation "auto") unless
 * EVAL_CONFIG gives a request config. Reports fall precision and recall and
 * the IoU of every labelled fallen person, per split, and lists the failures.
 *
 *   npm run eval:fall-detection        [EVAL_OUT=/tmp/fall-eval/set] [EVAL_CONFIG='{"rotation":"always"}']
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '../../../runtime/src/client/one-shot.js';
import type { InferenceResponse } from '../../../runtime/src/api/wire.js';
import { fetchWeights } from '../../../runtime/src/config/fetch-weights.js';
import { startServerProcess } from '../../../runtime/test/helpers/spawn-server.js';
import { frameFromImage } from '../../../test/support/frames.js';
import { loadGoldenCases, pairBoxes } from '../../../test/support/golden.js';
import { outsideRegions, readUnlabelled } from '../test/support/fall-metrics.js';

type Box = [number, number, number, number];
interface Case { description: string; image: string; split: string; falls: Box[]; ignore: Box[] }
interface Det { class_name: string; bbox: number[]; fall_score?: number; view?: string; confidence?: number }

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const OUT = process.env.EVAL_OUT ?? '/tmp/fall-eval/set';
const CONFIG = process.env.EVAL_CONFIG ? (JSON.parse(process.env.EVAL_CONFIG) as Record<string, unknown>) : null;

interface Tally { tp: number; fp: number; fn: number; ious: number[]; passes: number; frames: number; ms: number; failures: string[] }
const tally = (): Tally => ({ tp: 0, fp: 0, fn: 0, ious: [], passes: 0, frames: 0, ms: 0, failures: [] });

/** Best-first one-to-one pairing at IoU >= min: the pairs' IoUs. */
function pair(expected: Box[], returned: Det[], min: number): { ious: number[] } {
  return { ious: pairBoxes(expected.map((bbox) => ({ bbox })), returned, () => min).map((p) => p.iou) };
}

function score(t: Tally, name: string, c: Case, dets: Det[]): void {
  // A detection centred in an ignore box (a person cut off by the frame) counts neither way.
  const kept = outsideRegions(dets, c.ignore);
  const falls = kept.filter((d) => d.class_name === 'fall');
  const matched = pair(c.falls, falls, 0.5);
  t.tp += matched.ious.length;
  t.fp += falls.length - matched.ious.length;
  t.fn += c.falls.length - matched.ious.length;
  // Box quality, whatever the call: the best box (any class) on each labelled fallen person.
  const boxes = pair(c.falls, kept, 0.01);
  t.ious.push(...boxes.ious, ...Array(c.falls.length - boxes.ious.length).fill(0));
  if (matched.ious.length < c.falls.length || falls.length > matched.ious.length) {
    const got = kept.map((d) => `${d.class_name}(${d.fall_score ?? '?'},${d.view ?? '?'},c${d.confidence ?? '?'})@${d.bbox.map((v) => v.toFixed(2)).join(',')}`).join(' ');
    t.failures.push(`${name}: want ${c.falls.length} fall(s) [${c.falls.map((b) => b.map((v) => v.toFixed(2)).join(',')).join(' | ')}], got ${got || 'nothing'}`);
  }
}

function summary(label: string, t: Tally): string {
  const p = t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1;
  const r = t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1;
  const mean = t.ious.length ? t.ious.reduce((s, v) => s + v, 0) / t.ious.length : NaN;
  const over = t.ious.filter((v) => v >= 0.5).length;
  return `${label.padEnd(10)} frames ${String(t.frames).padStart(3)}  precision ${p.toFixed(3)} (${t.tp}/${t.tp + t.fp})  recall ${r.toFixed(3)} (${t.tp}/${t.tp + t.fn})  ` +
    `fallen boxes IoU>=0.5 ${over}/${t.ious.length}, mean IoU ${mean.toFixed(3)}  passes/frame ${(t.passes / Math.max(1, t.frames)).toFixed(2)}  ms/frame ${(t.ms / Math.max(1, t.frames)).toFixed(0)}`;
}

async function main(): Promise<void> {
  const file = path.join(OUT, 'cases.json');
  if (!existsSync(file)) throw new Error(`${file} not found: build the set first with models/fall-detection/bench/eval-set.ts (see its header)`);
  const cases = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Case>;
  // The golden fixtures, with the same default policy (their own configs ignored).
  const golden: Record<string, Case> = {};
  for (const g of loadGoldenCases(MODEL_DIR)) {
    // `unlabelled` (this model's golden field): regions of people too small to label, like ignore boxes.
    const ignore = readUnlabelled(MODEL_DIR, g.name) as Box[];
    golden[`golden-${g.name}`] = { description: g.description, image: g.image, split: 'golden', falls: g.expect.detections.filter((d) => d.class_name === 'fall').map((d) => d.bbox), ignore };
  }
  await fetchWeights(MODEL_DIR);
  const shm = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : '/tmp', 'fall-eval-'));
  const server = await startServerProcess({ RUTH_MODEL_ID: 'fall-detection' }, path.dirname(MODEL_DIR), 60_000);
  const tallies = new Map<string, Tally>();
  try {
    for (const [name, c] of Object.entries({ ...golden, ...cases })) {
      const frame = await frameFromImage(c.image, 'NV12');
      const f = path.join(shm, 'frame.nv12');
      writeFileSync(f, frame.bytes);
      const now = Date.now() / 1000;
      const t0 = performance.now();
      const res = await request<InferenceResponse>(server.socketPath, {
        frame_reference: f,
        frame_metadata: { frame_id: 1, width: frame.width, height: frame.height, format: 'NV12', timestamp: now },
        camera_id: 'eval', model_id: 'fall-detection', timestamp: now, config: CONFIG,
      }, { timeoutMs: 30_000 });
      const ms = performance.now() - t0;
      if (res.error) throw new Error(`${name}: ${res.error}`);
      for (const key of [c.split, ...(c.split === 'golden' ? [] : ['all'])]) {
        const t = tallies.get(key) ?? tally();
        tallies.set(key, t);
        t.frames++;
        t.ms += ms;
        t.passes += Number(res.metadata?.pose_passes ?? 0);
        score(t, name, c, res.detections as Det[]);
      }
    }
  } finally {
    await server.stop('SIGTERM');
    server.cleanup();
    rmSync(shm, { recursive: true, force: true });
  }
  const lines = [`config: ${JSON.stringify(CONFIG)}`];
  for (const key of ['golden', 'dev', 'held', 'all']) if (tallies.has(key)) lines.push(summary(key, tallies.get(key)!));
  for (const key of ['golden', 'dev', 'held']) for (const f of tallies.get(key)?.failures ?? []) lines.push(`  FAIL ${f}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
