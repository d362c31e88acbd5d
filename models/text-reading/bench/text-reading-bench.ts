/**
 * The text-reading model's own benchmark (not a test): `ruth-model serve`
 * on this model folder, a
 * real 1280×720 NV12 frame with about ten lines of scene text in /dev/shm
 * (scene.ts), one-shot callers over the real socket. Measures start to
 * ready, then frames/s, p50/p99 latency and the mean time of each stage at
 * 1 and 2 concurrent callers, and writes its section of docs/benchmarks.md.
 * Then the same for the model image started hardened (read-only, no
 * capabilities, no network), when it has been built.
 *
 * With BENCH_BASELINE (a models folder holding another build of
 * text-reading, e.g. an older commit's models/ with its dist built), that
 * build is served too and measured row by row after this one, so the two
 * compare under the same machine load.
 *
 *   npm run bench:text-reading   [BENCH_SECONDS=30] [BENCH_IMAGE=<NAMESPACE>/text-reading:latest] [BENCH_CONTAINER=0] [BENCH_BASELINE=<models dir>]
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFrame, fetchWeights, request, type InferenceResponse } from '@ruth-ai/model-runtime';
import { imageExists, percentile, startContainer, startServerProcess, writeSection, type ServerProcess } from '@ruth-ai/model-runtime/testing';
import { benchScene } from './scene.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO = path.resolve(MODEL_DIR, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const BASELINE = process.env.BENCH_BASELINE;
const IMAGE = process.env.BENCH_IMAGE ?? `${process.env.NAMESPACE || 'ruth-ai'}/text-reading:latest`;
const STAGES = ['read_ms', 'preprocess_ms', 'det_ms', 'det_post_ms', 'cls_ms', 'rec_ms', 'inference_ms'] as const;

interface Row {
  target: string;
  callers: number;
  requests: number;
  fps: number;
  p50: number;
  p99: number;
  lines: number;
  errors: number;
  stages: Record<string, number>;
}

async function measure(socket: string, file: string, callers: number, target: string): Promise<Row> {
  const body = (i: number): unknown => {
    const now = Date.now() / 1000;
    return { frame_reference: file, frame_metadata: { frame_id: i, width: 1280, height: 720, format: 'NV12', timestamp: now }, camera_id: `bench-${callers}`, model_id: 'text-reading', timestamp: now };
  };
  for (let i = 0; i < 2 * callers; i++) await request<InferenceResponse>(socket, body(i), { timeoutMs: 60_000 }); // warm every worker
  const latencies: number[] = [];
  const sums: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
  let lines = 0;
  let errors = 0;
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const res = await request<InferenceResponse>(socket, body(n++), { timeoutMs: 60_000 });
        latencies.push(performance.now() - s);
        if (res.error) errors++;
        lines += Number(res.metadata?.lines ?? 0);
        for (const k of STAGES) sums[k]! += Number(res.metadata?.[k] ?? 0);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const count = Math.max(1, latencies.length);
  const row: Row = {
    target, callers, requests: latencies.length, fps: latencies.length / elapsed,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), lines: lines / count, errors,
    stages: Object.fromEntries(STAGES.map((k) => [k, sums[k]! / count])),
  };
  process.stderr.write(`${JSON.stringify(row)}\n`);
  return row;
}

/** The baseline build's server: its weights fetched into its own folder first. */
async function startBaseline(modelsDir: string): Promise<ServerProcess> {
  await fetchWeights(path.join(modelsDir, 'text-reading'));
  return startServerProcess({ RUTH_MODEL_ID: 'text-reading' }, modelsDir, 120_000);
}

function table(rows: Row[]): string {
  const head = `| target | callers | requests | frames/s | p50 ms | p99 ms | lines/frame | errors | ${STAGES.join(' | ')} |\n|---|---:|---:|---:|---:|---:|---:|---:|${STAGES.map(() => '---:').join('|')}|`;
  const body = rows.map((r) => `| ${r.target} | ${r.callers} | ${r.requests} | ${r.fps.toFixed(2)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.lines.toFixed(1)} | ${r.errors} | ${STAGES.map((k) => r.stages[k]!.toFixed(0)).join(' | ')} |`);
  return [head, ...body].join('\n');
}

async function main(): Promise<void> {
  await fetchWeights(MODEL_DIR);
  const shm = mkdtempSync(path.join('/dev/shm', 'text-bench-'));
  chmodSync(shm, 0o755);
  const file = path.join(shm, 'scene-1280x720.nv12');
  const scene = benchScene(path.join(MODEL_DIR, 'test/images'));
  writeFileSync(file, encodeFrame(scene.data, scene.width, scene.height, 'NV12'));
  chmodSync(file, 0o644);
  const uptimeBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const notes: string[] = [];
  let rows: Row[] = [];
  let workers = 0;
  try {
    const t0 = performance.now();
    const server = await startServerProcess({ RUTH_MODEL_ID: 'text-reading' }, path.dirname(MODEL_DIR), 120_000);
    const startMs = performance.now() - t0;
    workers = Number(server.ready.workers);
    const baseline = BASELINE ? await startBaseline(BASELINE) : null;
    try {
      for (const callers of [1, 2]) {
        rows.push(await measure(server.socketPath, file, callers, 'serve'));
        if (baseline) rows.push(await measure(baseline.socketPath, file, callers, 'baseline serve'));
      }
    } finally {
      for (const s of baseline ? [server, baseline] : [server]) {
        await s.stop('SIGTERM');
        s.cleanup();
      }
    }
    if (BASELINE) notes.push(`- "baseline" is the build in \`${BASELINE}\`, served the same way and measured after this build at each caller count.`);
    notes.push(`- \`ruth-model serve\` start to ready (spawn → ready line: config, sha256 of the 4 weights, ${workers} workers create 3 ONNX sessions each and warm up): **${startMs.toFixed(0)} ms**.`);
    if (process.env.BENCH_CONTAINER !== '0' && (await imageExists(IMAGE))) {
      const c = await startContainer(IMAGE, shm, 'text-reading');
      try {
        for (const callers of [1, 2]) rows.push(await measure(c.socketPath, file, callers, 'container'));
      } finally {
        await c.stop();
      }
      notes.push(`- Container (\`${IMAGE}\`, hardened: read-only, no capabilities, no network) start to ready (\`docker run\` → ready line): **${c.readyMs.toFixed(0)} ms**.`);
    } else {
      notes.push(`- Container: image \`${IMAGE}\` not built (or BENCH_CONTAINER=0); \`npm run build\` first to measure it.`);
    }
  } finally {
    rmSync(shm, { recursive: true, force: true });
  }
  const uptimeAfter = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const body = [
    '## text-reading model (`npm run bench:text-reading`)',
    '',
    `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, shared with other work: \`uptime\` before: \`${uptimeBefore}\`; after: \`${uptimeAfter}\`. ` +
      `${workers} workers (one per core), ONNX Runtime with ${Math.max(1, Math.floor(os.cpus().length / Math.max(1, workers)))} intra-op thread(s) each (\`intra_op_threads: auto\`). ` +
      `Frame: 1280×720 NV12 in /dev/shm, a mosaic of four fixture photos with about ten lines of scene text (bench/scene.ts); detector input 960×544 letterboxed. One-shot callers over the real Unix socket, ${SECONDS} s per row. Stage columns are means per request in ms (det = detector run, det_post = DB post-processing, cls = crops + 180° classifier, rec = crops + recogniser; inference = the handler in all).`,
    '',
    ...notes,
    '',
    table(rows),
  ].join('\n');
  writeSection(path.join(REPO, 'docs/benchmarks.md'), 'text-reading-bench', body);
  process.stdout.write(`${body}\n`);
}

await main();
