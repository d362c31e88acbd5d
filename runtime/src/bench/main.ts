/**
 * `npm run bench`: the runtime's own benchmark (never part of the tests).
 * Spawns the real `ruth-model serve` and drives one-shot callers at 1, 8,
 * 64 and 256 concurrency against
 *   (a) a no-op handler (tiny frame, tiny input): the runtime's overhead;
 *   (b) a 1920x1080 NV12 frame in /dev/shm preprocessed to 640x640 float32.
 * Prints the tables and writes the runtime section of docs/benchmarks.md.
 *
 * BENCH_SECONDS (default 4) sets the measuring time per step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runtimeVersion } from '../config/runtime-version.js';
import { benchDirs, requestFrame, writeBenchModel, writeNv12 } from './fixture.js';
import { runLoad, type LoadResult } from './load.js';
import { machine, table, writeSection } from './report.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const ECHO = fileURLToPath(new URL('./echo-server.js', import.meta.url));
const DOC = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const LEVELS = [1, 8, 64, 256];

async function serve(modelsDir: string, socketDir: string, env: Record<string, string>): Promise<{ proc: ChildProcess; socket: string; workers: number }> {
  const proc = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, RUTH_MODELS_DIR: modelsDir, RUTH_SOCKET_DIR: socketDir, RUTH_HEARTBEAT_DIR: socketDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('"msg":"ready"')) continue;
        const ready = JSON.parse(line) as { socket: string; workers: number };
        resolve({ proc, socket: ready.socket, workers: ready.workers });
      }
      if (out.length > 1e6) out = out.slice(-1e5);
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code} before ready:\n${out}`)));
  });
}

/** The yardstick: a bare framed echo server, driven at 8 callers like (a). */
async function yardstick(frame: Buffer, socketDir: string): Promise<LoadResult> {
  const socket = `${socketDir}/bench-echo.sock`;
  const proc = spawn(process.execPath, [ECHO, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.once('data', () => resolve());
    proc.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  try {
    const r = await runLoad(socket, frame, 8, SECONDS);
    process.stdout.write(`bare echo server callers=8: ${r.rps} req/s p50=${r.p50_ms}ms p99=${r.p99_ms}ms refused=${r.refused}\n`);
    return r;
  } finally {
    await stop(proc);
  }
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

async function scenario(name: string, frame: Buffer, modelsDir: string, socketDir: string): Promise<{ results: LoadResult[]; workers: number }> {
  // A generous bound so the figures show throughput, not admission control.
  const server = await serve(modelsDir, socketDir, { RUTH_MAX_IN_FLIGHT: '1024' });
  const results: LoadResult[] = [];
  try {
    for (const c of LEVELS) {
      const r = await runLoad(server.socket, frame, c, SECONDS);
      results.push(r);
      process.stdout.write(`${name} callers=${c}: ${r.rps} req/s p50=${r.p50_ms}ms p99=${r.p99_ms}ms refused=${r.refused} errors=${JSON.stringify(r.errors)}\n`);
    }
  } finally {
    await stop(server.proc);
  }
  return { results, workers: server.workers };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const { root, shm } = benchDirs();
  try {
    const noop = writeBenchModel(root, 'bench-noop', { width: 8, height: 8, dtype: 'uint8' });
    const full = writeBenchModel(root, 'bench-1080p', { width: 640, height: 640, dtype: 'float32' });
    const tiny = writeNv12(shm, 'tiny.nv12', 2, 2);
    const big = writeNv12(shm, 'big.nv12', 1920, 1080);

    const a = await scenario('(a) no-op', requestFrame(noop.modelId, tiny, 2, 2), noop.modelsDir, root);
    const at8 = a.results.find((r) => r.concurrency === 8)!;
    const echo = await yardstick(requestFrame(noop.modelId, tiny, 2, 2), root);
    const b = await scenario('(b) 1080p->640', requestFrame(full.modelId, big, 1920, 1080), full.modelsDir, root);

    const bestB = Math.max(...b.results.map((r) => r.rps));
    const section = `## Runtime (\`npm run bench\`)

Measured ${new Date().toISOString().slice(0, 10)} with @ruth-ai/model-runtime ${runtimeVersion()} on: ${machine(loadAtStart)}.
One-shot callers (connect, send one request, read one answer, close), as the platform's core makes them; the load driver runs in its own process on the same machine, so it shares the cores with the server. ${SECONDS} s per step after 0.5 s of warm-up; \`RUTH_WORKERS\` left at its default.

### (a) No-op handler (${a.workers} workers): the runtime's own overhead

The request names a 2x2 NV12 frame in /dev/shm, read and preprocessed to an 8x8 input, so every request still crosses the socket, the decoder, validation, the worker pool, the frame reader and the encoder.

${table(a.results)}

Yardstick, same run and load driver: a bare framed echo server (no parsing, no pool, no frame) answers ${echo.rps.toLocaleString('en-US')} req/s at 8 callers, so the runtime reaches **${Math.round((100 * at8.rps) / echo.rps)}%** of what this machine allowed a Unix-socket server at that moment. On a busy machine (see the load average above) compare this ratio, not the absolute figures.

### (b) 1920x1080 NV12 frame, preprocessed to 640x640 float32 (${b.workers} workers)

Read from /dev/shm, converted and letterboxed to a 640x640x3 float32 tensor in one pass; the handler does nothing with it.

${table(b.results)}

### Against the targets and the old Python runtime

| | old runtime (0.4.0) | target | this run |
|---|---|---|---|
| (a) 1 caller | 2,974 req/s | | ${a.results[0]!.rps.toLocaleString('en-US')} req/s |
| (a) 8 callers | 79% of connections refused | >= 9,000 req/s, 0 refused | ${at8.rps.toLocaleString('en-US')} req/s, ${at8.refused} refused |
| (b) frames/s | 19 (1 caller) | >= 200 | ${bestB.toLocaleString('en-US')} (best level) |
`;
    process.stdout.write(`\n${section}\n`);
    writeSection(DOC, 'runtime-bench', section);
    process.stdout.write(`wrote the runtime section of ${DOC}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(shm, { recursive: true, force: true });
  }
}

await main();
