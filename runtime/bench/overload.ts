/**
 * `npm run overload`: issue 8's overload target with a real model (never
 * part of the tests). `ruth-model serve` on a model folder (default
 * models/fall-detection, its own weights), one real NV12 frame in /dev/shm
 * made from a photo, and keep-alive callers with one request in flight each,
 * as in the issue's reproduction: LOW callers, then HIGH (16x), then LOW
 * again, in one run, so the ratio is measured side by side.
 *
 * Per phase: served/s (answers without error, completed inside the phase),
 * the other answers by code, worker deaths and deadline kills (server log),
 * peak RSS and the health round trip. Target: the served rate at HIGH stays
 * >= 90 % of the mean rate at LOW, with no worker restart.
 *
 *   npm run overload   [OVERLOAD_SECONDS=30] [OVERLOAD_MODEL=models/fall-detection] [OVERLOAD_IMAGE=<photo>]
 *
 * Writes the `overload` section of the report file named by its argument.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelClient, fetchWeights, loadModelConfig, request, type InferenceResponse } from '@ruth-ai/model-runtime';
import { frameFromImage, machine, percentile, startServerProcess, writeSection, type ServerProcess } from '@ruth-ai/model-runtime/testing';

const DOC = process.argv[2];
if (!DOC) throw new Error('usage: tsx runtime/bench/overload.ts <report.md>');
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MODEL_DIR = path.resolve(REPO, process.env.OVERLOAD_MODEL ?? 'models/fall-detection');
const IMAGE = path.resolve(REPO, process.env.OVERLOAD_IMAGE ?? 'models/fall-detection/test/images/person-standing.jpg');
const SECONDS = Number(process.env.OVERLOAD_SECONDS ?? 30);
const LOW = 4;
const HIGH = LOW * 16;
/** Not counted: the callers ramp up and the queue fills. */
const SETTLE_MS = 3000;

interface Phase { callers: number; served: number; codes: Record<string, number>; deaths: number; kills: number; rssMiB: number; healthP99Ms: number; p50Ms: number }

const rssMiB = (pid: number): number => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

async function phase(server: ServerProcess, body: Record<string, unknown>, callers: number): Promise<Phase> {
  const logsBefore = server.logs.length;
  const from = performance.now() + SETTLE_MS;
  const to = from + SECONDS * 1000;
  const codes: Record<string, number> = {};
  const okLatencies: number[] = [];
  let served = 0;
  const clients = Array.from({ length: callers }, () => new ModelClient(server.socketPath, { timeoutMs: 120_000 }));
  const driving = Promise.all(clients.map(async (client) => {
    while (performance.now() < to) {
      const t0 = performance.now();
      const r = await client.request<InferenceResponse>(body).catch((err: Error) => ({ error_code: `client: ${err.message}` }) as unknown as InferenceResponse);
      const t1 = performance.now();
      if (t1 < from || t1 > to) continue;
      if (r.error_code === null) {
        served++;
        okLatencies.push(t1 - t0);
      } else codes[r.error_code!] = (codes[r.error_code!] ?? 0) + 1;
    }
    client.close();
  }));
  const pings: number[] = [];
  let rss = 0;
  while (performance.now() < to) {
    const t0 = performance.now();
    await request(server.socketPath, { op: 'health' }, { timeoutMs: 60_000 });
    pings.push(performance.now() - t0);
    rss = Math.max(rss, rssMiB(server.proc.pid!));
    await new Promise((r) => setTimeout(r, 500));
  }
  await driving;
  pings.sort((a, b) => a - b);
  okLatencies.sort((a, b) => a - b);
  const logs = server.logs.slice(logsBefore);
  return {
    callers,
    served: served / SECONDS,
    codes,
    deaths: logs.filter((l) => l.msg === 'worker died').length,
    kills: logs.filter((l) => l.msg === 'request ran past its deadline; restarting its worker').length,
    rssMiB: rss,
    healthP99Ms: percentile(pings, 99),
    p50Ms: percentile(okLatencies, 50),
  };
}

const config = loadModelConfig(path.join(MODEL_DIR, 'model.yaml'));
await fetchWeights(MODEL_DIR);
const shm = mkdtempSync('/dev/shm/ruth-overload-');
chmodSync(shm, 0o755);
const frame = frameFromImage(IMAGE, 'NV12');
const file = path.join(shm, 'frame.nv12');
writeFileSync(file, frame.bytes);
const body = {
  frame_reference: file,
  frame_metadata: { frame_id: 1, width: frame.width, height: frame.height, format: 'NV12', timestamp: 1_700_000_000 },
  camera_id: 'overload',
  model_id: config.model_id,
  timestamp: 1_700_000_000,
  config: null,
};
const load = os.loadavg()[0]!;
const server = await startServerProcess({ RUTH_MODEL_ID: config.model_id }, path.dirname(MODEL_DIR), 120_000);
const phases: Phase[] = [];
try {
  for (const callers of [LOW, HIGH, LOW]) {
    phases.push(await phase(server, body, callers));
    console.log(JSON.stringify(phases.at(-1)));
  }
} finally {
  await server.stop();
  server.cleanup();
  rmSync(shm, { recursive: true, force: true });
}
const loadAfter = os.loadavg()[0]!;
const lowMean = (phases[0]!.served + phases[2]!.served) / 2;
const ratio = phases[1]!.served / lowMean;
const restarts = phases.reduce((n, p) => n + p.deaths, 0);
const fmt = (n: number): string => n.toFixed(2);
const table = [
  '| callers | served /s | p50 ms (served) | other answers | worker deaths | deadline kills | RSS peak MiB | health p99 ms |',
  '|---|---|---|---|---|---|---|---|',
  ...phases.map((p) => `| ${p.callers} | ${fmt(p.served)} | ${Math.round(p.p50Ms)} | ${Object.entries(p.codes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} | ${p.deaths} | ${p.kills} | ${p.rssMiB} | ${Math.round(p.healthP99Ms)} |`),
].join('\n');
const report = `## Overload (\`npm run overload\`)

${machine(load)} (${loadAfter.toFixed(2)} at the end). \`ruth-model serve\` on \`${path.relative(REPO, MODEL_DIR)}\` (${String(server.ready.workers)} workers,
request_timeout_ms ${config.request_timeout_ms}), one ${frame.width}x${frame.height} NV12 frame from \`${path.relative(REPO, IMAGE)}\` in /dev/shm,
keep-alive callers with one request in flight each; ${SECONDS} s measured per phase after ${SETTLE_MS / 1000} s to settle.

${table}

- Served rate at ${HIGH} callers (16x) over the mean at ${LOW}: **${fmt(ratio)}** (target >= 0.90): ${ratio >= 0.9 ? 'met' : 'NOT met'}.
- Worker restarts during the run: **${restarts}** (target 0): ${restarts === 0 ? 'met' : 'NOT met'}.
`;
console.log(`\n${report}`);
writeSection(DOC, 'overload', report);
