/**
 * `npm run bench:start -- <image> [<image>...]`: hardened container start to
 * ready, images side by side. Each round starts every image once (the order
 * turns round by round, so a change in the machine's load falls on both),
 * the way production does (startContainer: read-only, no capabilities, no
 * network) and times `docker run` -> the runtime's ready line. From each
 * container's own log it also reads where the time went: docker's start
 * (docker run -> the container's StartedAt), Node's boot, the runtime's
 * imports and model.yaml up to the socket (StartedAt -> the `loading` line;
 * runtimes before 1.0.0's start-path work hashed the weights first too), the
 * server's own startup_ms and the slowest worker's load() and warm-up.
 *
 *   START_ROUNDS  rounds (default 10)
 *   START_DOC     the report file (default docs/benchmarks.md; section container-start-<model id>
 *                 of the first image)
 *
 * The machine is shared: compare images within one run, and read absolute
 * figures with the load average printed next to them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { imageExists, machine, percentile, startContainer, writeSection } from '@ruth-ai/model-runtime/testing';

const run = promisify(execFile);
const ROUNDS = Number(process.env.START_ROUNDS ?? 10);
const DOC = process.env.START_DOC ?? 'docs/benchmarks.md';
const IMAGES = process.argv.slice(2);

interface Start {
  readyMs: number;
  dockerMs: number;
  bootMs: number;
  startupMs: number;
  loadMs: number;
  warmupMs: number;
}

type LogLine = { time?: string; msg?: string; startup_ms?: number; load_ms?: number; warmup_ms?: number };

/** One start of `image`: times from the outside, and from the container's own log. */
async function startOnce(image: string, shm: string): Promise<Start> {
  const modelId = path.basename(image.split(':')[0]!);
  const wallStart = Date.now();
  const c = await startContainer(image, shm, modelId);
  try {
    const { stdout } = await run('docker', ['inspect', '-f', '{{.State.StartedAt}}', c.id]);
    const startedAt = Date.parse(stdout.trim());
    const logs = await run('docker', ['logs', c.id]);
    const lines = `${logs.stdout}\n${logs.stderr}`
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
    const first = Date.parse(lines[0]?.time ?? '');
    const ready = lines.find((l) => l.msg === 'ready');
    const workers = lines.filter((l) => l.msg === 'worker ready');
    return {
      readyMs: c.readyMs,
      dockerMs: startedAt - wallStart,
      bootMs: first - startedAt,
      startupMs: ready?.startup_ms ?? NaN,
      loadMs: Math.max(...workers.map((w) => w.load_ms ?? NaN)),
      warmupMs: Math.max(...workers.map((w) => w.warmup_ms ?? NaN)),
    };
  } finally {
    await c.stop();
  }
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');

async function main(): Promise<void> {
  if (IMAGES.length === 0) throw new Error('usage: npm run bench:start -- <image> [<image>...] (e.g. a baseline and a candidate)');
  for (const image of IMAGES) if (!(await imageExists(image))) throw new Error(`image ${image} not found: build it first (NAMESPACE=... npm run build)`);
  const shm = mkdtempSync(path.join('/dev/shm', 'start-bench-'));
  const loadStart = os.loadavg()[0]!;
  const starts = new Map<string, Start[]>(IMAGES.map((i) => [i, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? IMAGES : [...IMAGES].reverse();
      for (const image of order) {
        const s = await startOnce(image, shm);
        starts.get(image)!.push(s);
        process.stdout.write(`round ${round + 1}/${ROUNDS} ${image}: ready ${ms(s.readyMs)} ms (docker ${ms(s.dockerMs)}, boot ${ms(s.bootMs)}, startup_ms ${ms(s.startupMs)}, load ${ms(s.loadMs)}, warm-up ${ms(s.warmupMs)}), load avg ${os.loadavg()[0]!.toFixed(2)}\n`);
      }
    }
  } finally {
    rmSync(shm, { recursive: true, force: true });
  }
  const loadEnd = os.loadavg()[0]!;
  const rows = IMAGES.map((image) => {
    const s = starts.get(image)!;
    const col = (k: keyof Start): string => ms(median(s.map((x) => x[k])));
    const sorted = s.map((x) => x.readyMs).sort((a, b) => a - b);
    return `| \`${image}\` | **${col('readyMs')}** | ${ms(sorted[0]!)} / ${ms(percentile(sorted, 90))} | ${col('dockerMs')} | ${col('bootMs')} | ${col('startupMs')} | ${col('loadMs')} | ${col('warmupMs')} |`;
  });
  const base = starts.get(IMAGES[0]!)!;
  const ratios = IMAGES.slice(1).map((image) => {
    const s = starts.get(image)!;
    const perRound = s.map((x, i) => x.readyMs / base[i]!.readyMs);
    return `- \`${image}\` / \`${IMAGES[0]}\`, docker run -> ready, median of the per-round ratios: **${median(perRound).toFixed(3)}**.`;
  });
  const section = `## Container start to ready: ${path.basename(IMAGES[0]!.split(':')[0]!)} (\`npm run bench:start\`)

${machine(loadStart)}; at the end ${loadEnd.toFixed(2)}. ${ROUNDS} rounds, each image started once a round (order turned each round), hardened as in production (read-only, no capabilities, no network).

| image | docker run -> ready, median ms | min / p90 | docker run -> started | started -> \`loading\` line (Node boot, imports, model.yaml; socket bound) | server startup_ms | worker load (slowest) | warm-up (slowest) |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

${ratios.join('\n')}
`;
  process.stdout.write(`\n${section}`);
  const name = `container-start-${path.basename(IMAGES[0]!.split(':')[0]!)}`;
  writeSection(DOC, name, section);
  process.stdout.write(`wrote the ${name} section of ${DOC}\n`);
}

await main();
