/**
 * `ruth-model watch --socket PATH --camera ID [--vas-dir /dev/shm/vas]
 *                   [--out ./watch-out] [--frames N] [--keep 300]
 *                   [--config JSON] [--timeout-ms N] [--wait-ms N] [--no-summary]`
 *
 * Sends each new frame of a camera's export folder to a running model and
 * shows a live line (sent, answered, dropped, fps, p50/p99). Writes into
 * --out: frames/NNNNNN.png (each answer drawn on its frame), answers.jsonl
 * (one answer per line) and, at the end (--frames reached, SIGINT or
 * SIGTERM), summary.gif (needs ffmpeg) and summary.json (the figures).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from '../client/one-shot.js';
import { checkCameraId } from '../produce/producer.js';
import { writeGif } from '../watch/summary.js';
import { watchCamera } from '../watch/watcher.js';
import { flags } from './args.js';
import { resolveSocket } from './socket-arg.js';

const USAGE = 'usage: ruth-model watch --camera ID [--socket PATH] [--vas-dir /dev/shm/vas] [--out DIR] [--frames N] [--keep N] [--config JSON] [--timeout-ms N] [--wait-ms N] [--no-summary]';

function count(name: string, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * Waits until the model says it is ready (it may still be loading its
 * weights), then asks which model it serves. Gives up after waitMs.
 */
async function readyModelId(socket: string, waitMs: number, signal: AbortSignal): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const health = await request<{ status?: string }>(socket, { op: 'health' }, { timeoutMs: 5000 });
      if (health.status !== 'ready') throw new Error(`${socket} is not ready yet (status ${JSON.stringify(health.status)})`);
      const d = await request<{ model_id?: string; model?: { model_id?: string } }>(socket, { op: 'describe' }, { timeoutMs: 5000 });
      const id = d.model_id ?? d.model?.model_id;
      if (id) return id;
      throw new Error(`${socket} did not say which model it serves: ${JSON.stringify(d)}`);
    } catch (err) {
      if (Date.now() > deadline || signal.aborted) throw err;
      await sleep(1000);
    }
  }
}

export async function watchCommand(argv: string[]): Promise<number> {
  const summary = !argv.includes('--no-summary');
  let f: Record<string, string | undefined>;
  let numbers: { frames?: number; keep: number; timeoutMs: number; waitMs: number };
  let config: Record<string, unknown> | null = null;
  try {
    f = flags(argv.filter((a) => a !== '--no-summary'), ['socket', 'camera', 'vas-dir', 'out', 'frames', 'keep', 'config', 'timeout-ms', 'wait-ms']);
    if (!f.camera) throw new Error('--camera is required');
    checkCameraId(f.camera);
    numbers = {
      frames: count('frames', f.frames),
      keep: count('keep', f.keep, 300)!,
      timeoutMs: count('timeout-ms', f['timeout-ms'], 30_000)!,
      waitMs: count('wait-ms', f['wait-ms'], 120_000)!,
    };
    if (f.config !== undefined) {
      const c: unknown = JSON.parse(f.config);
      if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new Error(`--config must be a JSON object, got ${f.config}`);
      config = c as Record<string, unknown>;
    }
  } catch (err) {
    process.stderr.write(`ruth-model watch: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }

  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  const outDir = f.out ?? 'watch-out';
  // A terminal gets one line rewritten in place; a log (compose, CI) a line every 5 s.
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  try {
    const socket = resolveSocket(f.socket);
    const modelId = await readyModelId(socket, numbers.waitMs, stop.signal);
    process.stderr.write(`ruth-model watch: camera ${f.camera} -> ${modelId} at ${socket}; writing ${outDir}\n`);
    const result = await watchCamera({
      socket, modelId, camera: f.camera, vasDir: f['vas-dir'] ?? '/dev/shm/vas', outDir,
      maxAnswers: numbers.frames, keep: numbers.keep, config, timeoutMs: numbers.timeoutMs, pollMs: 5, signal: stop.signal,
      onAnswer: (stats) => {
        const now = Date.now();
        if (now - lastPrint < (tty ? 250 : 5000)) return;
        lastPrint = now;
        process.stderr.write(tty ? `\r\x1b[K${stats.line()}` : `${stats.line()}\n`);
      },
    });
    const figures = result.stats.figures();
    process.stderr.write(`${tty ? '\r\x1b[K' : ''}${result.stats.line()}\n`);
    writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify({ model_id: modelId, camera: f.camera, ...figures, frames_written: result.written }, null, 2)}\n`);
    if (summary && result.written > 0) {
      const gif = writeGif(result.framesDir, result.firstKept, Math.min(10, Math.max(1, figures.fps)), join(outDir, 'summary.gif'));
      process.stderr.write(`ruth-model watch: ${gif.message}\n`);
    }
    return figures.answered > 0 ? 0 : 1;
  } catch (err) {
    process.stderr.write(`\nruth-model watch: ${(err as Error).message}\n`);
    return 1;
  }
}
