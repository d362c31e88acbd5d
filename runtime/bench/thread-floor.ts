/**
 * `npm run bench:thread-floor`: what threaded designs can reach on this
 * machine for one-shot callers, next to the echo yardstick and the runtime
 * (never part of the tests). Same load driver, frame and method as
 * `npm run bench` (its no-op model and 2x2 NV12 frame in /dev/shm), levels 1
 * and 8 callers, the servers interleaved step by step for FLOOR_ROUNDS
 * rounds (default 5) of BENCH_SECONDS (default 2) each; reported as the
 * median (and range) of each step's ratio to the echo server's rate in the
 * same round, so a busy machine's swings cancel out.
 *
 * The designs (thread-floor-server.ts): `hop`, the runtime's essential path
 * (main thread reads, one postMessage, the worker writes the answer to the
 * socket itself and reports back), and `accept`, workers serving the
 * listening socket themselves with no hop; each answering the echo bytes,
 * then doing the runtime's own per-request work for a no-op model.
 *
 * FLOOR_WORKERS sets the designs' worker threads (default: one per core, as
 * the runtime starts). Writes the `thread-floor` section of the report file named by its
 * argument (npm run bench:thread-floor: docs/benchmarks.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, machine, percentile, writeSection } from '@ruth-ai/model-runtime/testing';
import { benchDirs, requestFrame, writeBenchModel, writeNv12 } from './fixture.js';
import { runLoad } from './load.js';
import { serve, spawnReady, stop, type Target } from './servers.js';

const DOC = process.argv[2];
if (!DOC) throw new Error('usage: tsx runtime/bench/thread-floor.ts <report.md>');
const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const LEVELS = [1, 8];
const bench = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

const DESIGNS: { name: string; what: string; args: string[]; env: Record<string, string> }[] = [
  { name: 'accept, echo', what: 'workers accept on one shared listening descriptor and answer the echo bytes, no hop: the most a worker-accept design can reach', args: ['accept'], env: { WORK: 'echo' } },
  { name: 'hop, echo', what: 'the main thread reads, posts to a worker, the worker writes the echo bytes to the socket and reports back: the most any design with this hop can reach', args: ['hop'], env: { WORK: 'echo' } },
  { name: 'accept, no-op work', what: 'as "accept", doing the runtime\'s per-request work (parse, readFrame, preprocess, response text)', args: ['accept'], env: { WORK: 'noop' } },
  { name: 'hop, no-op work', what: 'as "hop", the worker doing the same per-request work', args: ['hop'], env: { WORK: 'noop' } },
];

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
/** Appends `value` to the list kept under `key`. */
const record = (lists: Map<string, number[]>, key: string, value: number): void => {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
};
const pct = (x: number): string => `${Math.round(100 * x)}%`;

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const { root, shm } = benchDirs();
  const noop = writeBenchModel(root, 'bench-noop', { width: 8, height: 8, dtype: 'uint8' });
  const frame = requestFrame(noop.modelId, writeNv12(shm, 'tiny.nv12', 2, 2), 2, 2);
  const targets: Target[] = [];
  const socketIn = (name: string): string => path.join(mkdtempSync(path.join(root, `${name}-`)), 's.sock');
  try {
    const echoSocket = socketIn('echo');
    targets.push({ name: 'echo', socket: echoSocket, ...(await spawnReady(['--import', 'tsx', bench('./echo-server.ts'), echoSocket], {})) });
    for (const [i, d] of DESIGNS.entries()) {
      const socket = socketIn(`floor${i}`);
      const { proc } = await spawnReady(['--import', 'tsx', bench('./thread-floor-server.ts'), socket, ...d.args], { ...d.env, FLOOR_ROOT: shm, FLOOR_MODEL: path.join(noop.modelsDir, noop.modelId, 'model.yaml') });
      targets.push({ name: d.name, socket, proc });
    }
    targets.push(await serve('runtime, no-op model', path.dirname(path.dirname(CLI)), noop.modelsDir, root));
    // Untimed warm-up for every server (JIT), as npm run bench does.
    for (const t of targets) await runLoad(t.socket, frame, 8, 3);
    const ratios = new Map<string, number[]>();
    const rates = new Map<string, number[]>();
    const failed = new Map<string, number>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of LEVELS) {
        const rps = new Map<string, number>();
        for (const t of targets) {
          const r = await runLoad(t.socket, frame, c, SECONDS);
          rps.set(t.name, r.rps);
          // Every design must answer, and answer right: a failed request is a broken server, not a fast one.
          failed.set(t.name, (failed.get(t.name) ?? 0) + r.refused + Object.values(r.errors).reduce((a, b) => a + b, 0));
        }
        const echo = rps.get('echo')!;
        for (const t of targets) {
          record(rates, `${c} ${t.name}`, rps.get(t.name)!);
          record(ratios, `${c} ${t.name}`, echo === 0 ? 0 : rps.get(t.name)! / echo);
        }
        process.stdout.write(`round ${round} callers=${c} load ${os.loadavg()[0]!.toFixed(1)}: ${targets.map((t) => `${t.name} ${rps.get(t.name)}`).join(', ')}\n`);
      }
    }
    const cell = (c: number, name: string): string => {
      const r = ratios.get(`${c} ${name}`)!;
      return `**${pct(median(r))}** (${pct(Math.min(...r))}-${pct(Math.max(...r))}), ${median(rates.get(`${c} ${name}`)!).toLocaleString('en-US')} req/s`;
    };
    const rows = targets.slice(1).map((t) => `| ${t.name} | ${LEVELS.map((c) => cell(c, t.name)).join(' | ')} | ${failed.get(t.name)} |`);
    const section = `### Thread floor (\`npm run bench:thread-floor\`)

Measured ${new Date().toISOString().slice(0, 16)}Z on: ${machine(loadAtStart)}; at the end ${os.loadavg()[0]!.toFixed(2)}. ${ROUNDS} rounds of ${SECONDS} s steps, servers interleaved; each cell is the median (range) over the rounds of the step's ratio to the echo server in the same round, then the median rate. Echo: ${LEVELS.map((c) => `${median(rates.get(`${c} echo`)!).toLocaleString('en-US')} req/s at ${c} caller${c > 1 ? 's' : ''}`).join(', ')} (median). Designs (\`runtime/bench/thread-floor-server.ts\`, ${process.env.FLOOR_WORKERS ?? os.availableParallelism()} workers each):

${DESIGNS.map((d) => `- **${d.name}**: ${d.what}.`).join('\n')}
- **runtime, no-op model**: \`ruth-model serve\` of this build, as in \`npm run bench\`.

| server | % of echo, 1 caller | % of echo, 8 callers | failed requests |
|---|---|---|---:|
${rows.join('\n')}
`;
    process.stdout.write(`\n${section}\n`);
    writeSection(DOC, 'thread-floor', section);
    process.stdout.write(`wrote the thread-floor section of ${DOC}\n`);
  } finally {
    await Promise.all(targets.map((t) => stop(t.proc)));
    rmSync(root, { recursive: true, force: true });
    rmSync(shm, { recursive: true, force: true });
  }
}

await main();
