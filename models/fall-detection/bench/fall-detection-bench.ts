/**
 * The fall-detection model's own benchmark (not a test): `ruth-model serve`
 * on this model folder, real NV12 frames made from fixture photos in
 * /dev/shm, one-shot callers over the real socket (as the platform's core
 * calls). Measures serve start-to-ready, then frames/s and p50/p99 latency
 * for 640×480 and 1920×1080 frames at 1 and 4 concurrent callers; when the
 * evaluation set is built (eval-set.ts), a mixed-scene row (a few frames of
 * every eval category in rotation) at 1 and 4 callers and the cost ratios
 * the issue targets (fallen vs standing, nobody vs standing, one caller;
 * with the frames as they are and placed in one frame size, see costs()).
 * Writes docs/benchmarks.md (its own section only).
 *
 *   npm run bench:fall-detection   [BENCH_SECONDS=8] [EVAL_OUT=/tmp/fall-eval/set] [BENCH_CONFIG='{"rotation":"auto"}']
 *
 * BENCH_CONFIG, a request config sent with every frame, compares a setting
 * against the model.yaml defaults in one run.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, type InferenceResponse, fetchWeights, encodeFrame } from '@ruth-ai/model-runtime';
import { imageExists, percentile, startContainer, startServerProcess, writeSection } from '@ruth-ai/model-runtime/testing';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { table, type Row } from './bench-report.js';
import { COST_GROUPS, mixedFrames, PLACED_SIZE, placedFrames, squareShare, type Frame } from './mixed-frames.js';

const IMAGE = process.env.BENCH_IMAGE ?? 'ruth-ai/fall-detection:latest';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
// Where the report goes is the caller's choice (npm run bench:fall-detection passes docs/benchmarks.md).
const REPORT = process.argv[2];
if (!REPORT) throw new Error('usage: tsx models/fall-detection/bench/fall-detection-bench.ts <report.md>');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONFIG = process.env.BENCH_CONFIG ? (JSON.parse(process.env.BENCH_CONFIG) as Record<string, unknown>) : null;

/** The frames every target is measured on, written once to /dev/shm. */
function makeFrames(shm: string): Frame[] {
  const pictures = [
    { name: 'person standing', file: 'person-standing.jpg', sizes: [[640, 480], [1920, 1080]] },
    { name: 'no one', file: 'no-one-horses.jpg', sizes: [[640, 480]] },
    { name: 'person lying', file: 'lying-among-horses.jpg', sizes: [[640, 480]] },
  ];
  const frames: Frame[] = [];
  for (const pic of pictures) {
    const img = decodeImage(readFileSync(path.join(MODEL_DIR, 'test/images', pic.file)));
    for (const [w, h] of pic.sizes as [number, number][]) {
      const file = path.join(shm, `${pic.file}-${w}x${h}.nv12`);
      writeFileSync(file, encodeFrame(resizeRgb(img, w, h).data, w, h, 'NV12'));
      frames.push({ file, width: w, height: h, name: `${pic.name} (${pic.file})`, category: pic.name });
    }
  }
  return frames;
}

async function measureAll(socket: string, frames: Frame[], target: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const f of frames) {
    for (const callers of [1, 4]) rows.push({ ...(await measure(socket, [f], callers, f.name)), target });
  }
  return rows;
}

/**
 * The cost targets at one caller: fallen vs standing, nobody vs
 * standing. Twice: the eval frames as they are (their shapes differ between
 * groups: a square picture gets a 256×256 window, a 4:3 one 256×192, so a
 * group with more square pictures costs more per pass), then the same
 * pictures placed in one frame size (placedFrames), which compares the
 * scenes. The groups are measured interleaved (one frame of each in turn)
 * so that a shared machine's changing load falls on all of them alike; each
 * frame is its own camera (a camera sends one scene: no moving places).
 */
async function costs(socket: string, mixed: Frame[], shm: string): Promise<string[]> {
  const lines: string[] = [];
  const placed = placedFrames(shm, mixed.filter((f) => COST_GROUPS.some((g) => g.categories.includes(f.category))));
  for (const [how, frames] of [['as they are', mixed], [`each placed in ${PLACED_SIZE.join('×')}`, placed]] as const) {
    const groups = COST_GROUPS.map((g) => frames.filter((f) => g.categories.includes(f.category)));
    const stats = await measureInterleaved(socket, groups);
    const at = (label: string) => {
      const i = COST_GROUPS.findIndex((g) => g.label === label);
      return { ...stats[i]!, frames: groups[i]! };
    };
    const ratio = (a: string, b: string, target: string): string => {
      const [ra, rb] = [at(a), at(b)];
      return `- Cost, ${a} vs ${b}, frames ${how} (one caller, groups interleaved, mean / p50 ms): ${ra.mean.toFixed(0)} / ${ra.p50.toFixed(0)} vs ${rb.mean.toFixed(0)} / ${rb.p50.toFixed(0)}: ` +
        `**${(ra.mean / rb.mean).toFixed(2)}×** (pose passes ${ra.passes.toFixed(2)} vs ${rb.passes.toFixed(2)}; pictures ${squareShare(ra.frames)} vs ${squareShare(rb.frames)}; target ${target}).`;
    };
    lines.push(ratio('a fallen person', 'standing people', '≤ 2×'), ratio('nobody', 'standing people', '≤ 1×'));
  }
  return lines;
}

/** One caller sends one frame of each group in turn, for SECONDS per group and until every frame was sent once. */
async function measureInterleaved(socket: string, groups: Frame[][]): Promise<{ mean: number; p50: number; passes: number }[]> {
  const latencies = groups.map((): number[] => []);
  const passes = groups.map(() => 0);
  const end = performance.now() + SECONDS * 1000 * groups.length;
  const longest = Math.max(...groups.map((g) => g.length));
  for (let n = 0; performance.now() < end || n < longest; n++) {
    for (const [i, group] of groups.entries()) {
      const { file, width, height, name } = group[n % group.length]!;
      const now = Date.now() / 1000;
      const s = performance.now();
      const res = await request<InferenceResponse>(socket, {
        frame_reference: file,
        frame_metadata: { frame_id: n, width, height, format: 'NV12', timestamp: now },
        camera_id: `bench-cost-${name}`, model_id: 'fall-detection', timestamp: now, config: CONFIG,
      });
      if (res.error) throw new Error(`cost frame ${name}: ${JSON.stringify(res.error)}`);
      latencies[i]!.push(performance.now() - s);
      passes[i]! += Number(res.metadata?.pose_passes ?? 0);
    }
  }
  return latencies.map((l, i) => {
    const sorted = [...l].sort((a, b) => a - b);
    return { mean: l.reduce((a, b) => a + b, 0) / l.length, p50: percentile(sorted, 50), passes: passes[i]! / l.length };
  });
}

async function main(): Promise<void> {
  await fetchWeights(MODEL_DIR);
  const shm = mkdtempSync(path.join('/dev/shm', 'fall-bench-'));
  chmodSync(shm, 0o755);
  const load0 = os.loadavg()[0]!;
  const frames = makeFrames(shm);
  const lines: string[] = [];
  let rows: Row[] = [];
  let workers = 0;
  let costLines: string[] = [];
  try {
    // 1. ruth-model serve on this folder; start to ready from spawn to the ready line.
    const t0 = performance.now();
    const server = await startServerProcess({ RUTH_MODEL_ID: 'fall-detection' }, path.dirname(MODEL_DIR), 60_000);
    const startMs = performance.now() - t0;
    workers = Number(server.ready.workers);
    try {
      rows = rows.concat(await measureAll(server.socketPath, frames, 'serve'));
      const mixed = await mixedFrames(shm);
      if (mixed) {
        const cats = new Set(mixed.map((f) => f.category)).size;
        const label = `mixed scenes: ${mixed.length} eval frames, ${cats} categories in rotation`;
        for (const callers of [1, 4]) rows.push({ ...(await measure(server.socketPath, mixed, callers, label)), target: 'serve' });
        costLines = await costs(server.socketPath, mixed, shm);
      } else {
        lines.push('- Mixed scenes: the evaluation set is not built (models/fall-detection/bench/eval-set.ts; EVAL_OUT).');
      }
    } finally {
      await server.stop('SIGTERM');
      server.cleanup();
    }
    lines.push(`- \`ruth-model serve\` start to ready (spawn → ready line: config, sha256 of the weights, ${workers} workers load and warm up): **${startMs.toFixed(0)} ms**.`);
    // 2. The model image, when it has been built (npm run build).
    if (process.env.BENCH_CONTAINER !== '0' && (await imageExists(IMAGE))) {
      const c = await startContainer(IMAGE, shm, 'fall-detection');
      try {
        rows = rows.concat(await measureAll(c.socketPath, frames.filter((f) => f.name.startsWith('person standing')), 'container'));
      } finally {
        await c.stop();
      }
      lines.push(`- Container (\`${IMAGE}\`, hardened: read-only, no capabilities, no network) start to ready (\`docker run\` → ready line): **${c.readyMs.toFixed(0)} ms**.`);
    } else {
      lines.push(`- Container: image \`${IMAGE}\` not built; run \`npm run build\` first to measure it.`);
    }
  } finally {
    rmSync(shm, { recursive: true, force: true });
  }
  const load1 = os.loadavg()[0]!;

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const body = [
    '## fall-detection model (`npm run bench:fall-detection`)',
    '',
    `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
      `1-minute load average ${load0.toFixed(1)} before and ${load1.toFixed(1)} after the run (anything above 0 is other work competing for the 2 cores). ` +
      `${workers} workers (model.yaml leaves \`workers\` unset: one per core), MoveNet on ONNX Runtime with one thread each (\`onnx.intra_op_threads: auto\`), input 256×256 letterboxed (MoveNet runs on the 256×192 or 256×160 part that holds the picture). ` +
      `One-shot callers over the real Unix socket, NV12 frames in /dev/shm made from the fixture photos, ${SECONDS} s per row.` +
      (CONFIG ? ` Every request sent \`config: ${JSON.stringify(CONFIG)}\` (BENCH_CONFIG), not the model.yaml defaults.` : ''),
    '',
    ...lines,
    ...costLines,
    '',
    table(rows),
    '',
    'With the default `rotation: "views"`, every frame costs 5 full passes (upright, ±90°, and ±135° on a 256×256 canvas) whoever is in it; then each wide slot box no view explained (up to `zoom_regions`, one when no pass found anybody) costs two small 128×128 passes (about a third of a full pass each), two more when the read reaches the cut\'s edge: see the "person lying" rows.' +
      ` The cost lines are measured twice: on the eval frames as they are, where a square picture gets a 256×256 window and a 4:3 one 256×192 (a group with more square pictures costs more per pass; each line says how many), and on the same pictures each placed in ${PLACED_SIZE.join('×')} on black, where every frame gets the same windows and the comparison is between scenes.`,
  ].join('\n');
  writeSection(REPORT, 'fall-detection-bench', body);
  process.stdout.write(`${body}\n`);
}

/**
 * Callers send the frames in rotation (frame n % frames.length) for SECONDS,
 * and on until every frame was sent once (a loaded machine must not leave
 * part of a mixed rotation out); one row.
 */
async function measure(socket: string, frames: Frame[], callers: number, label: string): Promise<Row> {
  const body = (i: number): unknown => {
    const now = Date.now() / 1000;
    const { file, width, height } = frames[i % frames.length]!;
    return {
      frame_reference: file,
      frame_metadata: { frame_id: i, width, height, format: 'NV12', timestamp: now },
      camera_id: `bench-${callers}`,
      model_id: 'fall-detection',
      timestamp: now,
      config: CONFIG,
    };
  };
  for (let i = 0; i < 4; i++) await request<InferenceResponse>(socket, body(i)); // warm both workers
  const latencies: number[] = [];
  let passes = 0;
  let errors = 0;
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    while (performance.now() < end || n < frames.length) {
      const s = performance.now();
      const res = await request<InferenceResponse>(socket, body(n++));
      latencies.push(performance.now() - s);
      if (res.error) errors++;
      passes += Number(res.metadata?.pose_passes ?? 0);
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const sizes = [...new Set(frames.map((f) => `${f.width}×${f.height}`))];
  const row: Row = {
    frame: label, size: sizes.length > 1 ? `${sizes.length} sizes` : sizes[0]!, callers, requests: latencies.length,
    fps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    passes: passes / Math.max(1, latencies.length), errors,
  };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  return row;
}

await main();
